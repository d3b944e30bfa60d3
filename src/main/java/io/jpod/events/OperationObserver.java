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
}
