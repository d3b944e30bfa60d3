package io.jpod.config;

import java.util.List;
import java.util.Optional;

/**
 * Which values are impossible for a key, wherever they come from (file or option). Returns the
 * problem as text so each caller can say where the value came from.
 */
final class ValueRules {

    private ValueRules() {}

    static Optional<String> check(ConfigKey key, Object value) {
        return switch (key) {
            case NUM_LOCKS -> {
                long n = ((Number) value).longValue();
                yield n < 1 || n > 0xFFFF_FFFFL
                        ? Optional.of("num_locks must be between 1 and 4294967295, got " + n)
                        : Optional.empty();
            }
            case MAX_LOG_SIZE -> ((Number) value).longValue() < -1
                    ? Optional.of("max_log_size must be -1 (unlimited) or a size in bytes, got " + value)
                    : Optional.empty();
            case CGROUP_MANAGER -> List.of("systemd", "cgroupfs").contains(value)
                    ? Optional.empty()
                    : Optional.of("cgroup_manager must be one of cgroupfs and systemd, got \"" + value + "\"");
            case HOOKS_DIR -> ((List<?>) value).stream().anyMatch(s -> s.toString().isEmpty())
                    ? Optional.of("empty-string hook directories are not supported")
                    : Optional.empty();
            default -> Optional.empty();
        };
    }
}
