package io.jpod.registry;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One pull's listener, made safe to share with download threads: a listener that throws (its
 * client went away) is cut off and marks the pull cancelled, instead of breaking a download that
 * other pulls may share.
 */
final class PullProgress implements ProgressListener {

    private final ProgressListener target;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    PullProgress(ProgressListener target) {
        this.target = target;
    }

    boolean cancelled() {
        return cancelled.get();
    }

    @Override
    public void message(String text) {
        if (!cancelled.get()) {
            try {
                synchronized (this) {
                    target.message(text);
                }
            } catch (RuntimeException e) {
                cancelled.set(true);
            }
        }
    }

    @Override
    public void layer(String id, String status, long current, long total) {
        if (!cancelled.get()) {
            try {
                synchronized (this) {
                    target.layer(id, status, current, total);
                }
            } catch (RuntimeException e) {
                cancelled.set(true);
            }
        }
    }
}
