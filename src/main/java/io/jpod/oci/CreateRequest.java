package io.jpod.oci;

import java.nio.file.Path;

/**
 * One container to create under conmon.
 *
 * @param bundle the OCI bundle ({@code config.json}); conmon's pid files and pipes go there too
 * @param persistDir where conmon keeps the container's exit status between restarts of the daemon
 * @param logPath the container's k8s-file log, null to keep none (conmon's {@code none} driver)
 * @param logSizeMax the log's size limit in bytes, or a value ≤ 0 for none
 * @param noPivot the runtime uses {@code MS_MOVE} instead of {@code pivot_root} (for a ramfs root)
 * @param tty the process gets a terminal (conmon holds its console)
 * @param stdin conmon keeps the process's stdin open for attach clients
 */
public record CreateRequest(String id, String name, Path bundle, Path persistDir, Path logPath, long logSizeMax,
        boolean noPivot, boolean tty, boolean stdin) {

    /** Without a terminal and without stdin. */
    public CreateRequest(String id, String name, Path bundle, Path persistDir, Path logPath, long logSizeMax,
            boolean noPivot) {
        this(id, name, bundle, persistDir, logPath, logSizeMax, noPivot, false, false);
    }
}
