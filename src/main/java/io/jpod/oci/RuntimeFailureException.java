package io.jpod.oci;

import io.jpod.error.EngineException;
import java.util.List;

/** A host binary failed: carries what was run, how it ended, and what it said. */
public class RuntimeFailureException extends EngineException {

    private final List<String> argv;
    private final int exitCode;
    private final String stderr;

    public RuntimeFailureException(List<String> argv, int exitCode, String stderr) {
        super(Category.RUNTIME_FAILURE, String.join(" ", argv) + " failed with exit code " + exitCode
                + (stderr.isBlank() ? "" : ": " + stderr.strip()));
        this.argv = List.copyOf(argv);
        this.exitCode = exitCode;
        this.stderr = stderr;
    }

    public List<String> argv() {
        return argv;
    }

    public int exitCode() {
        return exitCode;
    }

    public String stderr() {
        return stderr;
    }
}
