package io.jpod.error;

/**
 * Root of jpod's one exception hierarchy. Every failure the engine reports belongs to exactly one
 * {@link Category}; the API edge maps the category to an HTTP status once, so domain code never
 * thinks about HTTP.
 */
public class EngineException extends RuntimeException {

    /** Closed set of failure kinds, modelled on containerd's errdefs. */
    public enum Category {
        NOT_FOUND,
        ALREADY_EXISTS,
        INVALID_ARGUMENT,
        INVALID_STATE,
        NOT_MODIFIED,
        UNAVAILABLE,
        RESOURCE_EXHAUSTED,
        RUNTIME_FAILURE,
        /** Credentials missing or refused (by a registry). */
        UNAUTHENTICATED,
        /** A remote service (a registry) failed or could not be reached: not the client's mistake, not ours. */
        REMOTE_FAILURE,
        INTERNAL
    }

    private final Category category;

    public EngineException(Category category, String message) {
        this(category, message, null);
    }

    public EngineException(Category category, String message, Throwable cause) {
        super(message, cause);
        this.category = category;
    }

    public Category category() {
        return category;
    }

    public static EngineException notFound(String message) {
        return new EngineException(Category.NOT_FOUND, message);
    }

    public static EngineException alreadyExists(String message) {
        return new EngineException(Category.ALREADY_EXISTS, message);
    }

    public static EngineException invalidArgument(String message) {
        return new EngineException(Category.INVALID_ARGUMENT, message);
    }

    public static EngineException invalidState(String message) {
        return new EngineException(Category.INVALID_STATE, message);
    }

    public static EngineException unauthenticated(String message) {
        return new EngineException(Category.UNAUTHENTICATED, message);
    }

    public static EngineException remoteFailure(String message, Throwable cause) {
        return new EngineException(Category.REMOTE_FAILURE, message, cause);
    }

    public static EngineException internal(String message, Throwable cause) {
        return new EngineException(Category.INTERNAL, message, cause);
    }
}
