package io.jpod.dashboard;

import io.jpod.error.EngineException;
import io.jpod.registry.ProgressListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One pull or push the dashboard started: what the registry code reports about it (per layer, in
 * Docker's words), kept for the page to show. The job's thread writes through {@link #listener()};
 * pages read {@link #snapshot()} and wait for the next change with {@link #awaitChange}.
 * It never holds the credentials: those live only in the work the job runs.
 */
public final class Transfer {

    /** Where a job is. */
    public enum State {
        QUEUED("Waiting to start…"), RUNNING("In progress…"), SUCCEEDED("Done"), FAILED("Failed"),
        CANCELLED("Cancelled");

        private final String label;

        State(String label) {
            this.label = label;
        }

        public boolean done() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }

        /** As the page says it. */
        public String label() {
            return label;
        }
    }

    /** What a finished job made: a notice, and the pulled image's ID or the pushed manifest's digest. */
    public record Outcome(String notice, String imageId, String digest) {}

    /**
     * One layer's row: its short ID, Docker's status word, bytes so far of total (0 when unknown),
     * and how the page draws them: percent done (-1: no count, an indeterminate bar) and the bytes as text.
     */
    public record Layer(String id, String status, long current, long total, int percent, String bytes) {

        static Layer of(String id, String status, long current, long total) {
            boolean complete = complete(status);
            int percent = complete ? 100 : total > 0 ? (int) Math.min(100, current * 100 / total) : -1;
            String bytes = total <= 0 ? "" : complete || current >= total ? Bytes.human(total)
                    : Bytes.human(current) + " / " + Bytes.human(total);
            return new Layer(id, status, current, total, percent, bytes);
        }
    }

    /** What a page shows; {@code kind} is {@code pull} or {@code push}. */
    public record Snapshot(String id, String kind, String subject, State state, String label, boolean done,
            List<Layer> layers,
            List<String> messages, String error, String notice, String imageId, String shortId, String digest) {}

    /** Statuses after which a layer's bar is full. */
    private static final Set<String> COMPLETE = Set.of("Download complete", "Pull complete", "Already exists",
            "Pushed", "Layer already exists");
    /** The last lines are enough to see where a job is; a long one does not grow without bound. */
    private static final int MESSAGES = 20;

    private static final Log LOG = LogFactory.getLog(Transfer.class);

    private final String id;
    private final String kind;
    private final String subject;
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private final List<String> messages = new ArrayList<>();
    private State state = State.QUEUED;
    private boolean cancelRequested;
    private Thread runner;
    private String error;
    private Outcome outcome;
    private long version;
    private long finishedAt;

    Transfer(String id, String kind, String subject) {
        this.id = id;
        this.kind = kind;
        this.subject = subject;
    }

    public String id() {
        return id;
    }

    /** Runs {@code work} on the calling thread (the job's), recording how it ends. */
    void run(java.util.function.Function<ProgressListener, Outcome> work) {
        synchronized (this) {
            if (state != State.QUEUED) {
                return; // cancelled while waiting for a thread
            }
            runner = Thread.currentThread();
            changed(State.RUNNING);
        }
        try {
            Outcome o = work.apply(listener());
            synchronized (this) {
                outcome = o;
                changed(State.SUCCEEDED);
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                if (cancelRequested) {
                    changed(State.CANCELLED);
                } else {
                    error = e instanceof EngineException ? e.getMessage()
                            : "internal error: " + e.getClass().getSimpleName()
                                    + (e.getMessage() != null ? ": " + e.getMessage() : "");
                    changed(State.FAILED);
                }
            }
            if (!(e instanceof EngineException) && !cancelRequested) {
                LOG.error(kind + " of " + subject + " failed", e);
            }
        } finally {
            synchronized (this) {
                runner = null;
                Thread.interrupted(); // a cancel that came late must not reach the pool's next job
            }
        }
    }

    /** Stops the job: a queued one never starts, a running one is interrupted (the pull undoes itself). */
    synchronized boolean cancel() {
        if (state.done()) {
            return false;
        }
        cancelRequested = true;
        if (state == State.QUEUED) {
            changed(State.CANCELLED);
        } else if (runner != null) {
            runner.interrupt();
            version++;
            notifyAll();
        }
        return true;
    }

    synchronized Snapshot snapshot() {
        String imageId = outcome != null ? outcome.imageId() : null;
        return new Snapshot(id, kind, subject, state, state.label(), state.done(), List.copyOf(layers.values()),
                List.copyOf(messages), error, state == State.CANCELLED ? kind + " of " + subject + " cancelled"
                        : outcome != null ? outcome.notice() : null, imageId,
                imageId != null ? imageId.substring(0, Math.min(12, imageId.length())) : null,
                outcome != null ? outcome.digest() : null);
    }

    synchronized long version() {
        return version;
    }

    /** Waits until the job changed after {@code seen} (a {@link #version()}) or {@code millis} passed. */
    synchronized long awaitChange(long seen, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (version == seen && !state.done()) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        return version;
    }

    synchronized boolean finishedBefore(long millis) {
        return state.done() && finishedAt < millis;
    }

    private void changed(State next) {
        state = next;
        if (next.done()) {
            finishedAt = System.currentTimeMillis();
        }
        version++;
        notifyAll();
    }

    /**
     * Records what the registry code reports. Once a cancel is asked, it throws: the registry code
     * takes a listener that throws as a client that went away and stops too.
     */
    ProgressListener listener() {
        return new ProgressListener() {
            @Override
            public void message(String text) {
                synchronized (Transfer.this) {
                    stopIfCancelled();
                    add(text);
                }
            }

            @Override
            public void layer(String layer, String status, long current, long total) {
                synchronized (Transfer.this) {
                    stopIfCancelled();
                    if (status.startsWith("Pulling from ")) {
                        add(status); // Docker says it about the tag, not a layer: a line, not a row
                        return;
                    }
                    Layer before = layers.get(layer);
                    // steps without a byte count keep the size already known
                    long size = total > 0 ? total : before != null ? before.total() : 0;
                    long done = total > 0 ? current : complete(status) ? size : 0;
                    layers.put(layer, Layer.of(layer, status, done, size));
                    version++;
                    Transfer.this.notifyAll();
                }
            }
        };
    }

    /** Whether a layer is through: downloaded, stored, or already where it goes. */
    static boolean complete(String status) {
        return COMPLETE.contains(status) || status.startsWith("Mounted from ");
    }

    private void add(String message) {
        messages.add(message);
        if (messages.size() > MESSAGES) {
            messages.remove(0);
        }
        version++;
        notifyAll();
    }

    private void stopIfCancelled() {
        if (cancelRequested) {
            throw new IllegalStateException(kind + " cancelled");
        }
    }
}
