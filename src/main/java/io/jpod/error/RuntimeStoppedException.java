package io.jpod.error;

/** The runtime was shut down; libpod's {@code runtime has already been stopped}. */
public class RuntimeStoppedException extends EngineException {
    public RuntimeStoppedException() {
        super(Category.UNAVAILABLE, "runtime has already been stopped");
    }
}
