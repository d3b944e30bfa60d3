package io.jpod.oci;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Creates containers and exec sessions through conmon, as libpod does: conmon gets a sync pipe (it
 * reports the container's PID, or the runtime's error) and a start pipe (it waits for one byte
 * before running the OCI runtime); an exec also gets an attach pipe. {@link ConmonProcess} runs
 * one launch. For {@link ConmonOciRuntime}, which checks the binaries first.
 */
final class Conmon {

    private final Path conmon;
    private final Path runtime;
    private final Path runtimeRoot;
    private final Path exitDir;
    private final Map<String, String> env;
    private final Duration timeout;

    Conmon(Path conmon, Path runtime, Path runtimeRoot, Path exitDir, Map<String, String> env, Duration timeout) {
        this.conmon = conmon;
        this.runtime = runtime;
        this.runtimeRoot = runtimeRoot;
        this.exitDir = exitDir;
        this.env = env;
        this.timeout = timeout;
    }

    /** The arguments every conmon gets (facts §5.3, in its order). */
    private List<String> common(String containerId, String uuid, Path bundle, Path pidFile, String name,
            Path exits, Path persist, Path log) {
        return new ArrayList<>(List.of(conmon.toString(), "--api-version", "1", "-c", containerId, "-u", uuid,
                "-r", runtime.toString(), "-b", bundle.toString(), "-p", pidFile.toString(), "-n", name,
                "--exit-dir", exits.toString(), "--persist-dir", persist.toString(), "--full-attach",
                "--runtime-arg", "--root", "--runtime-arg", runtimeRoot.toString(), "-l",
                log == null ? "none" : "k8s-file:" + log,
                "--log-level", "error", "--syslog", "--conmon-pidfile", bundle.resolve("conmon.pid").toString()));
    }

    /** conmon's argument list for a create. */
    List<String> argv(CreateRequest r) {
        List<String> a = common(r.id(), r.id(), r.bundle(), r.bundle().resolve("pidfile"), r.name(), exitDir,
                r.persistDir(), r.logPath());
        if (r.logSizeMax() > 0 && r.logPath() != null) {
            a.add("--log-size-max");
            a.add(Long.toString(r.logSizeMax()));
        }
        if (r.noPivot()) {
            a.add("--no-pivot");
        }
        addStdio(a, r.tty(), r.stdin());
        return a;
    }

    /** conmon's argument list for an exec session: its own bundle, exit dir and log. */
    List<String> execArgv(ExecRequest r) {
        Path dir = r.sessionDir();
        List<String> a = common(r.containerId(), r.sessionId(), dir, dir.resolve("exec_pid"), r.containerName(),
                dir.resolve("exit"), dir.resolve("persist"), dir.resolve("exec_log"));
        addStdio(a, r.tty(), r.stdin());
        a.addAll(List.of("-e", "--exec-attach", "--exec-process-spec", r.processSpec().toString()));
        return a;
    }

    private static void addStdio(List<String> a, boolean tty, boolean stdin) {
        if (tty) {
            a.add("-t");
        } else if (stdin) {
            a.add("-i");
        }
    }

    Created create(CreateRequest r) {
        Path sync = r.bundle().resolve("sync.fifo");
        Path start = r.bundle().resolve("start.fifo");
        List<Path> fifos = List.of(sync, start);
        ConmonProcess launch = new ConmonProcess(r.id(), r.bundle(), env, timeout);
        try {
            Files.createDirectories(r.persistDir());
            Files.createDirectories(exitDir);
            ConmonProcess.makeFifos(fifos);
            try (FileChannel syncCh = ConmonProcess.open(sync); FileChannel startCh = ConmonProcess.open(start)) {
                int conmonPid = launch.spawn(argv(r), fifos, startCh);
                JsonNode msg = launch.readLine(syncCh, timeout);
                return new Created(ConmonProcess.reportedPid(msg, "container create failed: "), conmonPid);
            }
        } catch (IOException e) {
            throw new EngineException(EngineException.Category.RUNTIME_FAILURE,
                    "starting conmon for " + r.id() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.internal("interrupted while creating " + r.id(), e);
        } finally {
            ConmonProcess.removeQuietly(fifos);
        }
    }

    /**
     * Starts an exec session through conmon (facts §5.11): conmon reports its attach socket on the
     * attach pipe and waits for a second start byte, so {@code beforeRun} can connect a client
     * before the process runs and no output is lost.
     */
    ExecStarted exec(ExecRequest r, Consumer<Path> beforeRun) {
        Path dir = r.sessionDir();
        Path sync = dir.resolve("sync.fifo");
        Path start = dir.resolve("start.fifo");
        Path attach = dir.resolve("attach.fifo");
        List<Path> fifos = List.of(sync, start, attach);
        ConmonProcess launch = new ConmonProcess(r.sessionId(), dir, env, timeout);
        FileChannel syncCh = null;
        try {
            Files.createDirectories(dir.resolve("exit"));
            Files.createDirectories(dir.resolve("persist"));
            ConmonProcess.makeFifos(fifos);
            syncCh = ConmonProcess.open(sync);
            try (FileChannel startCh = ConmonProcess.open(start); FileChannel attachCh = ConmonProcess.open(attach)) {
                launch.spawn(execArgv(r), fifos, startCh);
                awaitAttachSocket(launch, attachCh);
                beforeRun.accept(dir.resolve("attach"));
                ConmonProcess.writeStartByte(startCh);
                int pid = ConmonProcess.reportedPid(launch.readLine(syncCh, timeout), "exec failed: ");
                ExecStarted started = new ExecStarted(pid, launch.pid(),
                        watchExit(launch, syncCh, dir.resolve("exit").resolve(r.sessionId())));
                syncCh = null; // the watcher owns it now
                return started;
            }
        } catch (IOException e) {
            throw new EngineException(EngineException.Category.RUNTIME_FAILURE,
                    "starting conmon for exec " + r.sessionId() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.internal("interrupted while starting exec " + r.sessionId(), e);
        } finally {
            closeQuietly(syncCh);
            ConmonProcess.removeQuietly(fifos);
        }
    }

    private void awaitAttachSocket(ConmonProcess launch, FileChannel attachCh) throws InterruptedException {
        JsonNode ready = launch.readLine(attachCh, timeout);
        if (ready.path("data").asInt(-1) < 0) {
            throw new EngineException(EngineException.Category.RUNTIME_FAILURE, "exec failed: "
                    + ready.path("message").asString("conmon could not set up the attach socket"));
        }
    }

    /**
     * conmon writes the exec's exit code on the sync pipe when the process ends; when that read
     * fails, the exit file it also writes is the answer ({@code -1} when there is none).
     */
    private static CompletableFuture<Integer> watchExit(ConmonProcess launch, FileChannel syncCh, Path exitFile) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        ConmonProcess.READERS.submit(() -> {
            int code;
            try {
                code = launch.readLine(syncCh, null).path("data").asInt(-1);
            } catch (RuntimeException | InterruptedException e) {
                code = ConmonProcess.readInt(exitFile, -1);
            } finally {
                closeQuietly(syncCh);
            }
            exit.complete(code);
        });
        return exit;
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing our end of a FIFO
        }
    }
}
