package io.jpod.build;

import io.jpod.error.EngineException;

/** A RUN step whose command failed: the build stops, and the client learns the command's exit code. */
public final class StepFailed extends EngineException {

    private final int exitCode;

    StepFailed(String command, int exitCode) {
        super(Category.INVALID_ARGUMENT, "The command '" + command + "' returned a non-zero code: " + exitCode);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
