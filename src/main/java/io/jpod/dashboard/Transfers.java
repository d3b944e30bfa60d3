package io.jpod.dashboard;

import io.jpod.error.EngineException;
import io.jpod.registry.ProgressListener;
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
 * The pulls and pushes the dashboard runs in the background, one {@link Transfer} per submitted
 * form: a few at a time on a pool of their own, a bounded queue behind it, so a page cannot start
 * more work than the daemon would take. Finished jobs stay a while for their pages to show.
 */
@Component
class Transfers implements AutoCloseable {

    /** Pulls share the registry code's download pool; two jobs at once keep it busy. */
    static final int RUNNING = 2;
    static final int QUEUED = 16;
    /** A finished job's page can be opened again for this long. */
    static final long KEEP_MILLIS = TimeUnit.MINUTES.toMillis(15);

    private final Map<String, Transfer> jobs = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger threads = new AtomicInteger();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(RUNNING, RUNNING, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED), r -> {
                Thread t = new Thread(r, "dashboard-transfer-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    Transfers() {
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts {@code work} ({@code kind} {@code pull} or {@code push} of {@code subject}) in the
     * background; it reports through the listener it is given and returns what it made.
     */
    Transfer start(String kind, String subject, Function<ProgressListener, Transfer.Outcome> work) {
        forgetOld();
        byte[] b = new byte[8];
        random.nextBytes(b);
        Transfer t = new Transfer(HexFormat.of().formatHex(b), kind, subject);
        jobs.put(t.id(), t);
        try {
            pool.execute(() -> t.run(work));
        } catch (RejectedExecutionException e) {
            jobs.remove(t.id());
            throw new EngineException(EngineException.Category.RESOURCE_EXHAUSTED, "too many pulls and pushes "
                    + "waiting (" + (RUNNING + QUEUED) + "): try again when some have finished");
        }
        return t;
    }

    Transfer get(String id) {
        Transfer t = id == null ? null : jobs.get(id);
        if (t == null) {
            throw EngineException.notFound("no such pull or push: " + id + " (finished ones are kept "
                    + TimeUnit.MILLISECONDS.toMinutes(KEEP_MILLIS) + " minutes)");
        }
        return t;
    }

    /** @return whether the job was still going */
    boolean cancel(String id) {
        return get(id).cancel();
    }

    private void forgetOld() {
        long before = System.currentTimeMillis() - KEEP_MILLIS;
        jobs.values().removeIf(t -> t.finishedBefore(before));
    }

    /** At shutdown running jobs are interrupted: a pull cut short leaves nothing behind. */
    @Override
    public void close() {
        jobs.values().forEach(Transfer::cancel);
        pool.shutdownNow();
    }
}
