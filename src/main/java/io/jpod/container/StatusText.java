package io.jpod.container;

import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import java.time.Duration;
import java.time.Instant;

/** How a container's state reads to a person ({@code docker ps}'s STATUS column and the dashboard). */
public final class StatusText {

    private StatusText() {}

    /** Docker's state words: created, running, paused, restarting, removing, exited, dead. */
    public static String word(ContainerStatus s) {
        return switch (s) {
            case CONFIGURED, CREATED -> "created";
            case RUNNING, STOPPING -> "running";
            case PAUSED -> "paused";
            case STOPPED, EXITED -> "exited";
            case REMOVING -> "removing";
            case UNKNOWN -> "dead";
        };
    }

    /** {@code Up 5 minutes}, {@code Exited (0) 2 hours ago}, {@code Created}. */
    public static String of(ContainerState st, Instant now) {
        return switch (word(st.status())) {
            case "running" -> "Up " + human(Duration.between(st.startedAt() == null ? now : st.startedAt(), now));
            case "paused" -> "Up " + human(Duration.between(st.startedAt() == null ? now : st.startedAt(), now))
                    + " (Paused)";
            case "exited" -> "Exited (" + st.exitCode() + ") "
                    + human(Duration.between(st.finishedAt() == null ? now : st.finishedAt(), now)) + " ago";
            case "created" -> "Created";
            default -> word(st.status());
        };
    }

    /** As {@link #of(ContainerState, Instant)}, a running container's health after it as Docker shows it: {@code Up 5 minutes (healthy)}. */
    public static String of(io.jpod.state.StoredContainer c, Instant now) {
        String text = of(c.state(), now);
        io.jpod.state.ContainerHealth h = Healthchecks.current(c);
        if (h == null || c.state().status() != ContainerStatus.RUNNING) {
            return text;
        }
        return text + (h.status().equals(io.jpod.state.ContainerHealth.STARTING) ? " (health: starting)"
                : " (" + h.status() + ")");
    }

    public static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 1) {
            return "Less than a second";
        }
        if (s < 60) {
            return s + (s == 1 ? " second" : " seconds");
        }
        long m = s / 60;
        if (m < 60) {
            return m == 1 ? "About a minute" : m + " minutes";
        }
        long h = m / 60;
        return h < 48 ? (h == 1 ? "About an hour" : h + " hours") : (h / 24) + " days";
    }
}
