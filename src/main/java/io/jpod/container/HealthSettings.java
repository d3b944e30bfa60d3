package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.image.ImageConfig;
import io.jpod.state.ContainerConfig.Healthcheck;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's healthcheck from its image's and its create request's, as Docker merges them: a
 * request without a test keeps the image's test, and each zero field of the request takes the
 * image's; {@code ["NONE"]} turns the check off. Checked here, so a bad one is a 400 at create.
 */
final class HealthSettings {

    /** Docker's smallest interval, timeout and start period. */
    private static final long MIN_NANOS = 1_000_000L;

    private HealthSettings() {}

    /** The healthcheck as configured ({@code ["NONE"]} kept, for inspect, and never run), or null for none. */
    static Healthcheck merge(Healthcheck requested, ImageConfig.Healthcheck image) {
        Healthcheck fromImage = image == null ? null : new Healthcheck(image.test(), image.interval(),
                image.timeout(), image.startPeriod(), image.startInterval(), image.retries());
        Healthcheck h;
        if (requested == null) {
            h = fromImage;
        } else if (fromImage == null) {
            h = requested;
        } else {
            h = new Healthcheck(requested.test().isEmpty() ? fromImage.test() : requested.test(),
                    or(requested.interval(), fromImage.interval()), or(requested.timeout(), fromImage.timeout()),
                    or(requested.startPeriod(), fromImage.startPeriod()),
                    or(requested.startInterval(), fromImage.startInterval()),
                    requested.retries() != 0 ? requested.retries() : fromImage.retries());
        }
        if (requested != null) {
            check(requested);
        }
        return h == null || h.test().isEmpty() ? null : h;
    }

    private static long or(long value, long fallback) {
        return value != 0 ? value : fallback;
    }

    private static void check(Healthcheck h) {
        if (!h.test().isEmpty()) {
            String kind = h.test().get(0);
            switch (kind) {
                case "NONE" -> { }
                case "CMD", "CMD-SHELL" -> {
                    if (h.test().size() < 2 || h.test().get(1).isEmpty()) {
                        throw EngineException.invalidArgument("Healthcheck: " + kind + " needs a command");
                    }
                }
                default -> throw EngineException.invalidArgument("Healthcheck: unknown test type \"" + kind
                        + "\": use CMD, CMD-SHELL or NONE");
            }
        }
        duration("Interval", h.interval());
        duration("Timeout", h.timeout());
        duration("StartPeriod", h.startPeriod());
        duration("StartInterval", h.startInterval());
        if (h.retries() < 0) {
            throw EngineException.invalidArgument("Retries in Healthcheck cannot be negative");
        }
    }

    private static void duration(String field, long nanos) {
        if (nanos != 0 && nanos < MIN_NANOS) {
            throw EngineException.invalidArgument(field + " in Healthcheck cannot be less than 1ms");
        }
    }

    /** The process a check runs: its argv, or its command through the container's shell. */
    static List<String> argv(Healthcheck h, List<String> shell) {
        List<String> t = h.test();
        if (t.get(0).equals("CMD-SHELL")) {
            List<String> argv = new ArrayList<>(shell.isEmpty() ? List.of("/bin/sh", "-c") : shell);
            argv.add(String.join(" ", t.subList(1, t.size())));
            return argv;
        }
        return t.subList(1, t.size());
    }
}
