package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A container's init process ({@code --init}, Docker's {@code HostConfig.Init}, libpod's {@code init}): a
 * small init (catatonit) that runs as PID 1, forwards signals to the container's command and reaps orphaned
 * children. The host binary is bind-mounted read-only at {@link #CONTAINER_PATH} and runs
 * {@code /dev/init -- <args>}.
 *
 * @param enabled whether the container runs one
 * @param path the host binary; empty in a request for the configured {@code init_path}, resolved at create
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InitProcess(boolean enabled, String path) {

    /** Where the binary appears in the container (Docker's place for its docker-init). */
    public static final String CONTAINER_PATH = "/dev/init";

    public static final InitProcess NONE = new InitProcess(false, "");

    public InitProcess {
        path = path == null ? "" : path;
    }
}
