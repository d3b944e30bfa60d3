package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of a container's health checks in its current run (Docker's {@code State.Health}):
 * {@code starting}, {@code healthy} or {@code unhealthy}, the failures in a row, and the last
 * results, newest last.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerHealth(String status, int failingStreak, List<Result> log) {

    public static final String STARTING = "starting";
    public static final String HEALTHY = "healthy";
    public static final String UNHEALTHY = "unhealthy";

    /** How many results are kept, as Docker keeps. */
    public static final int KEEP = 5;

    public ContainerHealth {
        status = status == null || status.isEmpty() ? STARTING : status;
        log = log == null ? List.of() : List.copyOf(log);
    }

    /** The state of a run whose checks have not passed yet. */
    public static ContainerHealth starting() {
        return new ContainerHealth(STARTING, 0, List.of());
    }

    /** This state with {@code r} appended, the oldest results dropped beyond {@link #KEEP}. */
    public ContainerHealth with(String newStatus, int newStreak, Result r) {
        List<Result> l = new ArrayList<>(log);
        l.add(r);
        while (l.size() > KEEP) {
            l.remove(0);
        }
        return new ContainerHealth(newStatus, newStreak, l);
    }

    /** One check: when it ran, its exit code (-1 when it could not finish) and its output. */
    public record Result(Instant start, Instant end, int exitCode, String output) {
        public Result {
            output = output == null ? "" : output;
        }
    }
}
