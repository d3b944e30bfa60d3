package io.jpod.dashboard;

import io.jpod.build.BuildListener;
import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The image builds the dashboard runs in the background, one {@link Build} per submitted form, as
 * {@link Transfers} runs pulls and pushes: a few at a time on a pool of their own with a bounded
 * queue behind it. Each build's uploaded context waits in a file of its own, deleted when the job ends.
 */
@Component
class Builds implements AutoCloseable {

    /** A build keeps a core busy with its RUN steps; two at once on a small host is plenty. */
    static final int RUNNING = 2;
    static final int QUEUED = 8;
    /** A finished build's page can be opened again for this long. */
    static final long KEEP_MILLIS = TimeUnit.MINUTES.toMillis(15);

    private final Map<String, Build> jobs = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger threads = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(RUNNING, RUNNING, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED), r -> {
                Thread t = new Thread(r, "dashboard-build-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    Builds() {
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts {@code work} (a build of {@code subject}, its context in {@code context}) in the
     * background; it writes its log to the listener it is given and returns the image's ID. The
     * context file is deleted when the job is over, or now if it cannot start.
     */
    Build start(String subject, Path context, Function<BuildListener, String> work) {
        forgetOld();
        byte[] b = new byte[8];
        random.nextBytes(b);
        Build job = new Build(HexFormat.of().formatHex(b), subject);
        jobs.put(job.id(), job);
        try {
            // the context goes before the job reads as done (whoever sees it done finds it gone), and
            // also when the job never ran (cancelled while queued)
            pool.execute(() -> {
                try {
                    job.run(listener -> {
                        try {
                            return work.apply(listener);
                        } finally {
                            delete(context);
                        }
                    });
                } finally {
                    delete(context);
                }
            });
        } catch (RejectedExecutionException e) {
            jobs.remove(job.id());
            delete(context);
            throw new EngineException(EngineException.Category.RESOURCE_EXHAUSTED, "too many builds waiting ("
                    + (RUNNING + QUEUED) + "): try again when some have finished");
        }
        return job;
    }

    Build get(String id) {
        Build job = id == null ? null : jobs.get(id);
        if (job == null) {
            throw EngineException.notFound("no such build: " + id + " (finished ones are kept "
                    + TimeUnit.MILLISECONDS.toMinutes(KEEP_MILLIS) + " minutes)");
        }
        return job;
    }

    /** @return whether the build was still going */
    boolean cancel(String id) {
        return get(id).cancel();
    }

    private void forgetOld() {
        long before = System.currentTimeMillis() - KEEP_MILLIS;
        jobs.values().removeIf(job -> job.finishedBefore(before));
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the image store empties its work directory at the next start
        }
    }

    /** At shutdown running builds are interrupted: each removes its RUN container as it stops. */
    @Override
    public void close() {
        jobs.values().forEach(Build::cancel);
        pool.shutdownNow();
    }
}
