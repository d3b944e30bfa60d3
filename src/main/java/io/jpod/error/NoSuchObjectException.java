package io.jpod.error;

/** A container, pod or other object that the caller named does not exist (or is not visible). */
public class NoSuchObjectException extends EngineException {
    public NoSuchObjectException(String message) {
        super(Category.NOT_FOUND, message);
    }
}
