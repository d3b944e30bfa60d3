package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;

/**
 * Docker's restart policies: {@code no}, {@code always}, {@code unless-stopped},
 * {@code on-failure[:max-retries]}. A container a user stopped is never restarted.
 */
public record RestartPolicy(String name, int maxRetries) {

    public static RestartPolicy parse(String text) {
        String t = text == null || text.isEmpty() ? "no" : text;
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        int retries = 0;
        if (colon >= 0) {
            try {
                retries = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                retries = -1;
            }
        }
        if (!name.equals("no") && !name.equals("always") && !name.equals("unless-stopped")
                && !name.equals("on-failure") || retries < 0 || (retries > 0 && !name.equals("on-failure"))) {
            throw EngineException.invalidArgument("invalid restart policy \"" + text + "\": use no, always, "
                    + "unless-stopped or on-failure[:max-retries]");
        }
        return new RestartPolicy(name, retries);
    }

    /** Whether a container that has just exited in {@code state} should be started again. */
    boolean shouldRestart(ContainerState state) {
        if (state.status() != ContainerStatus.EXITED || !state.exited() || state.stoppedByUser()) {
            return false;
        }
        return switch (name) {
            case "always", "unless-stopped" -> true;
            case "on-failure" -> state.exitCode() != 0 && (maxRetries == 0 || state.restartCount() < maxRetries);
            default -> false;
        };
    }
}
