package io.jpod.container;

import io.jpod.lock.LockOrder;
import io.jpod.error.NoSuchObjectException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Notices container exits as they happen: conmon writes {@code <exit dir>/<id>} when a container's
 * process ends, and an inotify watch on that directory (Java's WatchService) wakes waiters and the
 * exit handler at once, without polling. Each exit is handled on a thread of its own, so a slow one
 * (an auto-removal) holds up no other; after an event overflow the whole directory is read again.
 */
final class ExitWatcher implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(ExitWatcher.class);

    private final Path exitDir;
    private final WatchService watch;
    /** One shared future per container; callers only ever get copies, so none can cancel another's wait. */
    private final Map<String, CompletableFuture<Integer>> waiters = new ConcurrentHashMap<>();
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "exit-handler");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Object> handling = new ConcurrentHashMap<>();
    private Thread thread;
    private Consumer<String> onExit = id -> { };

    ExitWatcher(Path exitDir) throws IOException {
        this.exitDir = exitDir;
        Files.createDirectories(exitDir);
        this.watch = exitDir.getFileSystem().newWatchService();
        exitDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
    }

    /** Starts watching; {@code handler} runs for every exit before the container's waiters are told. */
    void start(Consumer<String> handler) {
        this.onExit = handler;
        this.thread = new Thread(this::loop, "exit-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** The exit code conmon recorded, if the container has exited. */
    OptionalInt exitCode(String id) {
        Path f = exitDir.resolve(id);
        try {
            String s = Files.readString(f).trim();
            return s.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** Completes with the exit code when the container exits (at once when it already has). */
    CompletableFuture<Integer> whenExited(String id) {
        return whenExited(id, false);
    }

    /** With {@code nextOnly}, an exit already recorded does not count: only the next one completes it. */
    CompletableFuture<Integer> whenExited(String id, boolean nextOnly) {
        CompletableFuture<Integer> f = waiters.computeIfAbsent(id, k -> new CompletableFuture<>());
        if (!nextOnly) {
            exitCode(id).ifPresent(code -> complete(id, code));
        }
        return f.copy();
    }

    /** Wakes the waiters of a container that never started: they see {@code code}. */
    void failed(String id, int code) {
        complete(id, code);
    }

    /**
     * The container is gone: its waiters get the exit it made, when one was recorded (an
     * auto-removal runs before they would be told), else they fail with "no such container".
     */
    void removed(String id, Integer exitCode) {
        if (exitCode != null) {
            complete(id, exitCode);
            return;
        }
        CompletableFuture<Integer> f = waiters.remove(id);
        if (f != null) {
            f.completeExceptionally(new NoSuchObjectException("no such container " + id + ": it was removed"));
        }
    }

    private void complete(String id, int code) {
        CompletableFuture<Integer> f = waiters.remove(id);
        if (f != null) {
            f.complete(code);
        }
    }

    private void loop() {
        while (true) {
            WatchKey key;
            try {
                key = watch.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    rescan();
                } else if (event.context() instanceof Path p) {
                    exited(p.getFileName().toString());
                }
            }
            key.reset();
        }
    }

    /** Events were lost: every exit file present may be one nobody has handled. */
    private void rescan() {
        try (Stream<Path> files = Files.list(exitDir)) {
            files.map(f -> f.getFileName().toString()).forEach(this::exited);
        } catch (IOException e) {
            LOG.warn("rescanning " + exitDir + " after lost events: " + e.getMessage());
        }
    }

    private void exited(String id) {
        if (id.startsWith(".")) {
            return; // conmon writes a hidden file first and renames it into place
        }
        // conmon's create and its write both raise events: one handler runs per container at a time
        exitCode(id).ifPresent(code -> handlers.execute(() -> {
            synchronized (handling.computeIfAbsent(id, k -> new Object())) {
                LockOrder.acquiring(LockOrder.Level.EXIT_HANDLING);
                try {
                    onExit.accept(id);
                } catch (RuntimeException e) {
                    LOG.warn("Handling the exit of container " + id + ": " + e.getMessage());
                } finally {
                    LockOrder.released(LockOrder.Level.EXIT_HANDLING);
                }
            }
            handling.remove(id);
            complete(id, code);
        }));
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException ignored) {
            // closing the watch ends the thread either way
        }
        if (thread != null) {
            thread.interrupt();
        }
        handlers.shutdownNow();
    }
}
