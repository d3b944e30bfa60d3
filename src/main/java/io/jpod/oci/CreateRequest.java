package io.jpod.oci;

import java.nio.file.Path;

/** One container to create under conmon. */
public record CreateRequest(String id, String name, Path bundle, Path persistDir, Path logPath, long logSizeMax,
        boolean noPivot, boolean tty, boolean stdin) {

    public CreateRequest(String id, String name, Path bundle, Path persistDir, Path logPath, long logSizeMax,
            boolean noPivot) {
        this(id, name, bundle, persistDir, logPath, logSizeMax, noPivot, false, false);
    }
}
