package io.jpod.dashboard;

import io.jpod.build.BuildListener;
import io.jpod.build.StepFailed;
import io.jpod.dashboard.Transfer.State;
import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One image build the dashboard started: its log as the builder writes it (Docker's "Step 1/5 :
 * ..." lines and the RUN steps' output), kept for the page to show, and how it ended. The job's
 * thread writes through {@link #listener()}; pages read the log from a line on with
 * {@link #snapshot(long)} and wait for more with {@link #awaitChange}. It shares the states of
 * pulls and pushes ({@link Transfer.State}).
 */
public final class Build {

    /**
     * What a page shows: the log's lines from {@code from} (a line number counted from the build's
     * first) up to {@code next}; the outcome once done. {@code exitCode}: the failing RUN step's, or null.
     */
    public record Snapshot(String id, String subject, State state, String label, boolean done, long from,
            List<String> lines, long next, String error, Integer exitCode, String notice, String imageId,
            String shortId) {

        /** The lines as one text, for a page drawn by the server. */
        public String log() {
            return String.join("\n", lines);
        }
    }

    /** A long build's page keeps its last lines; the first ones are dropped and the page says so. */
    static final int MAX_LINES = 5000;

    private static final Log LOG = LogFactory.getLog(Build.class);

    private final String id;
    private final String subject;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    /** Lines dropped from the start: {@code lines.get(0)} is line number {@code dropped}. */
    private long dropped;
    private State state = State.QUEUED;
    private boolean cancelRequested;
    private Thread runner;
    private String error;
    private Integer exitCode;
    private String imageId;
    private long version;
    private long finishedAt;

    Build(String id, String subject) {
        this.id = id;
        this.subject = subject;
    }

    public String id() {
        return id;
    }

    /** Runs {@code work} on the calling thread (the job's); it returns the built image's ID. */
    void run(Function<BuildListener, String> work) {
        synchronized (this) {
            if (state != State.QUEUED) {
                return; // cancelled while waiting for a thread
            }
            runner = Thread.currentThread();
            changed(State.RUNNING);
        }
        try {
            String built = work.apply(listener());
            synchronized (this) {
                endPartial();
                imageId = strip(built);
                changed(State.SUCCEEDED);
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                endPartial();
                if (cancelRequested) {
                    changed(State.CANCELLED);
                } else {
                    error = e instanceof EngineException ? e.getMessage()
                            : "internal error: " + e.getClass().getSimpleName()
                                    + (e.getMessage() != null ? ": " + e.getMessage() : "");
                    exitCode = e instanceof StepFailed f ? f.exitCode() : null;
                    changed(State.FAILED);
                }
            }
            if (!(e instanceof EngineException) && !cancelRequested) {
                LOG.error("build of " + subject + " failed", e);
            }
        } finally {
            synchronized (this) {
                runner = null;
                Thread.interrupted(); // a cancel that came late must not reach the pool's next job
            }
        }
    }

    /**
     * Stops the build: a queued one never starts, a running one is interrupted (the builder removes
     * the RUN step's container and stops).
     */
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

    /** The state, and the log from line {@code from} on (from the oldest kept if those are gone). */
    synchronized Snapshot snapshot(long from) {
        long start = Math.max(from, dropped);
        long end = dropped + lines.size();
        List<String> part = start >= end ? List.of()
                : List.copyOf(lines.subList((int) (start - dropped), lines.size()));
        return new Snapshot(id, subject, state, state.label(), state.done(), start, part, end, error, exitCode,
                state == State.CANCELLED ? "build of " + subject + " cancelled"
                        : imageId != null ? "built " + subject : null,
                imageId, imageId != null ? imageId.substring(0, Math.min(12, imageId.length())) : null);
    }

    synchronized long version() {
        return version;
    }

    /** Waits until the build changed after {@code seen} (a {@link #version()}) or {@code millis} passed. */
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
     * Takes the builder's text, also after a cancel: the interrupt stops the build, and a listener
     * that threw would cut short the removal of its RUN container (and hide how that went).
     */
    BuildListener listener() {
        return new BuildListener() {
            @Override
            public void stream(String text) {
                synchronized (Build.this) {
                    append(text);
                }
            }

            @Override
            public void built(String id) {
                // the ID is what the build returns; the log's closing lines say it too
            }
        };
    }

    private void append(String text) {
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
            partial.append(text, start, nl);
            add(partial.toString());
            partial.setLength(0);
            start = nl + 1;
        }
        partial.append(text, start, text.length());
        version++;
        notifyAll();
    }

    private void endPartial() {
        if (!partial.isEmpty()) {
            add(partial.toString());
            partial.setLength(0);
        }
    }

    private void add(String line) {
        lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        if (lines.size() > MAX_LINES) {
            lines.remove(0);
            dropped++;
        }
    }

    private static String strip(String id) {
        return id != null && id.startsWith("sha256:") ? id.substring(7) : id;
    }
}
