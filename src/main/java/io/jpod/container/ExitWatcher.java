package io.jpod.container;

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
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Notices container exits as they happen: conmon writes {@code <exit dir>/<id>} when a container's
 * process ends, and an inotify watch on that directory (Java's WatchService) wakes waiters and the
 * exit handler at once, without polling.
 */
final class ExitWatcher implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(ExitWatcher.class);

    private final Path exitDir;
    private final WatchService watch;
    private final Map<String, CompletableFuture<Integer>> waiters = new ConcurrentHashMap<>();
    private final Consumer<String> onExit;
    private final Thread thread;

    ExitWatcher(Path exitDir, Consumer<String> onExit) throws IOException {
        this.exitDir = exitDir;
        this.onExit = onExit;
        Files.createDirectories(exitDir);
        this.watch = exitDir.getFileSystem().newWatchService();
        exitDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
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
        return f;
    }

    /** Wakes the waiters of a container that never started: they see {@code code}. */
    void failed(String id, int code) {
        complete(id, code);
    }

    void forget(String id) {
        CompletableFuture<Integer> f = waiters.remove(id);
        if (f != null) {
            f.cancel(false);
        }
    }

    /**
     * The container is gone: its waiters get the exit it made, when one was recorded (an
     * auto-removal runs before they would be told), else they are cancelled.
     */
    void removed(String id, Integer exitCode) {
        if (exitCode != null) {
            complete(id, exitCode);
        } else {
            forget(id);
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
                if (event.context() instanceof Path p) {
                    String id = p.getFileName().toString();
                    exitCode(id).ifPresent(code -> {
                        try {
                            onExit.accept(id);
                        } catch (RuntimeException e) {
                            LOG.warn("Handling the exit of container " + id + ": " + e.getMessage());
                        }
                        complete(id, code);
                    });
                }
            }
            key.reset();
        }
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException ignored) {
            // closing the watch ends the thread either way
        }
        thread.interrupt();
    }
}
