package io.jpod.oci;

import java.nio.file.Path;

/** One process to run in a running container. */
public record ExecRequest(String containerId, String containerName, String sessionId, Path sessionDir,
        Path processSpec, boolean tty, boolean stdin) {}
