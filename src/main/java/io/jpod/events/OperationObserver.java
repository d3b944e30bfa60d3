package io.jpod.events;

/**
 * Told of every engine operation's outcome and duration (metrics listen here); the domain knows
 * no metrics library.
 */
@FunctionalInterface
public interface OperationObserver {

    OperationObserver NONE = (operation, nanos, failure) -> { };

    /** @param failure null when the operation succeeded */
    void completed(String operation, long nanos, Throwable failure);

    /**
     * Runs an operation and reports how long it took and whether it failed. "Already running" and
     * the like ({@code NOT_MODIFIED}) are not failures of the engine.
     */
    default <T> T time(String operation, java.util.function.Supplier<T> op) {
        long t0 = System.nanoTime();
        try {
            T result = op.get();
            completed(operation, System.nanoTime() - t0, null);
            return result;
        } catch (RuntimeException e) {
            boolean noop = e instanceof io.jpod.error.EngineException ee
                    && ee.category() == io.jpod.error.EngineException.Category.NOT_MODIFIED;
            completed(operation, System.nanoTime() - t0, noop ? null : e);
            throw e;
        }
    }
}
