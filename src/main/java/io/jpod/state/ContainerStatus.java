package io.jpod.state;

import io.jpod.error.EngineException;
import java.util.Arrays;

/**
 * libpod's container states with their stored integer codes. Configured is shown to users as
 * {@code created} and Created as {@code initialized}, as current podman does.
 */
public enum ContainerStatus {
    UNKNOWN(0, "unknown"),
    CONFIGURED(1, "created"),
    CREATED(2, "initialized"),
    RUNNING(3, "running"),
    STOPPED(4, "stopped"),
    PAUSED(5, "paused"),
    EXITED(6, "exited"),
    REMOVING(7, "removing"),
    STOPPING(8, "stopping");

    private final int code;
    private final String display;

    ContainerStatus(int code, String display) {
        this.code = code;
        this.display = display;
    }

    public int code() {
        return code;
    }

    /** The string users see. */
    public String display() {
        return display;
    }

    public static ContainerStatus ofCode(int code) {
        return Arrays.stream(values()).filter(s -> s.code == code).findFirst().orElse(UNKNOWN);
    }

    public static ContainerStatus parse(String s) {
        return Arrays.stream(values()).filter(v -> v.display.equalsIgnoreCase(s) || v.name().equalsIgnoreCase(s))
                .findFirst()
                .orElseThrow(() -> EngineException.invalidArgument("unknown container state: " + s));
    }
}
