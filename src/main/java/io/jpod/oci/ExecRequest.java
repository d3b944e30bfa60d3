package io.jpod.oci;

import java.nio.file.Path;

/**
 * One process to run in a running container.
 *
 * @param sessionDir conmon's bundle for the session: its attach socket ({@code attach}), pid file,
 *     log ({@code exec_log}) and exit dir go there
 * @param processSpec the OCI process JSON for {@code runc exec --process}
 */
public record ExecRequest(String containerId, String containerName, String sessionId, Path sessionDir,
        Path processSpec, boolean tty, boolean stdin) {}
