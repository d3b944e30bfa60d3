package io.jpod.container;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps the logs of containers with {@code max-file} above 1 in several files ({@link RotatedLog}).
 * One inotify watch (Java's WatchService) on each such container's directory and one thread for
 * all of them: when conmon renames its new file over {@code ctr.log}, the files are renumbered at
 * once, within the time conmon takes to fill the next one. Readers reconcile too before they list
 * the files, so they never miss a file that was just left. A watch ends with its directory.
 */
final class LogRotation implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(LogRotation.class);

    private final WatchService watch;
    private final Map<WatchKey, RotatedLog> watched = new ConcurrentHashMap<>();

    LogRotation(Path anyPath) throws IOException {
        this.watch = anyPath.getFileSystem().newWatchService();
        Thread thread = new Thread(this::loop, "log-rotation");
        thread.setDaemon(true);
        thread.start();
    }

    /** Before conmon starts for {@code log}: the log is held and watched. */
    void prepare(Path log, int maxFile) throws IOException {
        RotatedLog r = new RotatedLog(log, maxFile);
        synchronized (this) {
            r.prepare();
        }
        watched.put(log.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE), r);
    }

    /** At the daemon's start, for a container whose conmon kept running: watched again, and caught up. */
    void resume(Path log, int maxFile) throws IOException {
        RotatedLog r = new RotatedLog(log, maxFile);
        watched.put(log.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE), r);
        reconcile(r);
    }

    /** The log's files, oldest first, the one being written last, after any rotation was taken in. */
    List<Path> files(Path log, int maxFile) {
        RotatedLog r = new RotatedLog(log, maxFile);
        if (maxFile > 1) {
            reconcile(r);
        }
        return r.files();
    }

    private void reconcile(RotatedLog r) {
        synchronized (this) {
            try {
                r.reconcile();
            } catch (IOException e) {
                LOG.debug("rotating " + r.log() + ": " + e.getMessage()); // removed meanwhile
            }
        }
    }

    private void loop() {
        try {
            while (true) {
                WatchKey key = watch.take();
                RotatedLog r = watched.get(key);
                boolean swapped = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    swapped |= e.kind() == StandardWatchEventKinds.OVERFLOW
                            || r != null && r.log().getFileName().equals(e.context());
                }
                if (!key.reset()) {
                    watched.remove(key); // the container's directory is gone
                } else if (r != null && swapped) {
                    reconcile(r);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            LOG.debug("closing the log watch: " + e.getMessage());
        }
    }
}
