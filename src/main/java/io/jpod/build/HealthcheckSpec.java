package io.jpod.build;

import io.jpod.error.EngineException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A HEALTHCHECK instruction as Docker stores it in the image config. A missing flag is {@link Duration#ZERO} (or
 * 0 retries): "inherit the default", exactly as Docker leaves it.
 */
public record HealthcheckSpec(List<String> test, Duration interval, Duration timeout, Duration startPeriod,
        Duration startInterval, int retries) {

    private static final Duration MINIMUM = Duration.ofMillis(1);

    public HealthcheckSpec {
        test = List.copyOf(test);
    }

    /**
     * {@code HEALTHCHECK NONE} gives test {@code ["NONE"]}; {@code CMD} in shell form {@code ["CMD-SHELL", "..."]},
     * in exec form {@code ["CMD", ...]}.
     */
    public static HealthcheckSpec parse(Instruction i) {
        String[] kind = i.rest().strip().split("\\s+", 2);
        String type = kind[0].toUpperCase(java.util.Locale.ROOT);
        if (type.equals("NONE")) {
            if (kind.length > 1) {
                throw error(i, "HEALTHCHECK NONE takes no arguments");
            }
            return new HealthcheckSpec(List.of("NONE"), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
        }
        if (!type.equals("CMD")) {
            throw error(i, "Unknown type \"" + kind[0] + "\" in HEALTHCHECK (try CMD)");
        }
        if (kind.length < 2 || kind[1].isBlank()) {
            throw error(i, "Missing command after HEALTHCHECK CMD");
        }
        List<String> test = new ArrayList<>();
        if (i.json() != null) {
            test.add("CMD");
            test.addAll(i.json());
        } else {
            test.add("CMD-SHELL");
            test.add(kind[1].strip());
        }
        int retries = 0;
        String retriesFlag = flag(i, "retries");
        if (retriesFlag != null) {
            try {
                retries = Integer.parseInt(retriesFlag);
            } catch (NumberFormatException e) {
                throw error(i, "invalid --retries value \"" + retriesFlag + "\"");
            }
            if (retries < 0) {
                throw error(i, "--retries cannot be negative (" + retries + ")");
            }
        }
        return new HealthcheckSpec(test, interval(i, "interval"), interval(i, "timeout"), interval(i, "start-period"),
                interval(i, "start-interval"), retries);
    }

    private static Duration interval(Instruction i, String name) {
        String value = flag(i, name);
        if (value == null || value.isEmpty()) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            d = Durations.parseGo(value);
        } catch (EngineException e) {
            throw error(i, "--" + name + ": " + e.getMessage());
        }
        if (!d.isZero() && d.compareTo(MINIMUM) < 0) {
            throw error(i, "--" + name + " cannot be less than 1ms (" + value + ")");
        }
        return d;
    }

    /** The flag's value (HEALTHCHECK flags are not variable-expanded). */
    private static String flag(Instruction i, String name) {
        String value = i.flag(name);
        return value == null ? null : value.strip();
    }

    private static EngineException error(Instruction i, String message) {
        return EngineException.invalidArgument("Dockerfile line " + i.line() + ": " + message);
    }
}
