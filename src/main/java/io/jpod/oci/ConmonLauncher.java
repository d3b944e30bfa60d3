package io.jpod.oci;

import io.jpod.error.EngineException;
import io.jpod.storage.PosixFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates containers through conmon, as libpod does: conmon gets a sync pipe (it reports the
 * container's PID, or the runtime's error) and a start pipe (it waits for one byte before running
 * the OCI runtime). A JVM cannot hand extra file descriptors to a child, so the pipes are named
 * FIFOs in the bundle that a tiny {@code /bin/sh} opens on descriptors 3 and 4 before it execs
 * conmon. Every wait is bounded: a conmon that dies or hangs is an error, never a stuck daemon.
 */
public final class ConmonLauncher {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "conmon-sync-reader");
        t.setDaemon(true);
        return t;
    });

    private final Path conmon;
    private final Path runtime;
    private final Path runtimeRoot;
    private final Path exitDir;
    private final Map<String, String> env;
    private final Duration createTimeout;

    public ConmonLauncher(Path conmon, Path runtime, Path runtimeRoot, Path exitDir, Map<String, String> env,
            Duration createTimeout) {
        this.conmon = conmon;
        this.runtime = runtime;
        this.runtimeRoot = runtimeRoot;
        this.exitDir = exitDir;
        this.env = Map.copyOf(env);
        this.createTimeout = createTimeout;
    }

    /**
     * One container to create.
     *
     * @param tty the process gets a terminal (conmon holds its console)
     * @param stdin conmon keeps the process's stdin open for attach clients
     */
    public record Request(String id, String name, Path bundle, Path persistDir, Path logPath, long logSizeMax,
            boolean noPivot, boolean tty, boolean stdin) {

        public Request(String id, String name, Path bundle, Path persistDir, Path logPath, long logSizeMax,
                boolean noPivot) {
            this(id, name, bundle, persistDir, logPath, logSizeMax, noPivot, false, false);
        }
    }

    /** The created container's init PID and conmon's PID. */
    public record Created(int pid, int conmonPid) {}

    /** conmon's argument list for a create (facts §5.3, in its order). */
    List<String> argv(Request r) {
        List<String> a = new ArrayList<>(List.of(conmon.toString(), "--api-version", "1", "-c", r.id(), "-u", r.id(),
                "-r", runtime.toString(), "-b", r.bundle().toString(), "-p", r.bundle().resolve("pidfile").toString(),
                "-n", r.name(), "--exit-dir", exitDir.toString(), "--persist-dir", r.persistDir().toString(),
                "--full-attach", "--runtime-arg", "--root", "--runtime-arg", runtimeRoot.toString(),
                "-l", "k8s-file:" + r.logPath(), "--log-level", "error", "--syslog",
                "--conmon-pidfile", r.bundle().resolve("conmon.pid").toString()));
        if (r.logSizeMax() > 0) {
            a.add("--log-size-max");
            a.add(Long.toString(r.logSizeMax()));
        }
        if (r.noPivot()) {
            a.add("--no-pivot");
        }
        if (r.tty()) {
            a.add("-t");
        } else if (r.stdin()) {
            a.add("-i");
        }
        return a;
    }

    public Created create(Request r) {
        Path sync = r.bundle().resolve("sync.fifo");
        Path start = r.bundle().resolve("start.fifo");
        Path launcherLog = r.bundle().resolve("conmon.out");
        try {
            Files.createDirectories(r.persistDir());
            Files.createDirectories(exitDir);
            Files.deleteIfExists(sync);
            Files.deleteIfExists(start);
            PosixFiles.makeFifo(sync, 0600);
            PosixFiles.makeFifo(start, 0600);
            // Opened read-write here first: opening a FIFO that way never blocks, whoever comes first.
            try (FileChannel syncCh = FileChannel.open(sync, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileChannel startCh = FileChannel.open(start, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                int conmonPid = spawn(argv(r), r.bundle(), List.of(sync, start), startCh, r, launcherLog);
                JsonNode msg = readLine(syncCh, conmonPid, r, launcherLog, createTimeout);
                int pid = msg.path("data").asInt(-1);
                if (pid < 0) {
                    String why = msg.path("message").asString("");
                    throw new EngineException(EngineException.Category.RUNTIME_FAILURE, "container create failed: "
                            + (why.isBlank() ? "the OCI runtime gave no reason" : why.strip()));
                }
                return new Created(pid, conmonPid);
            }
        } catch (IOException e) {
            throw new EngineException(EngineException.Category.RUNTIME_FAILURE,
                    "starting conmon for " + r.id() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.internal("interrupted while creating " + r.id(), e);
        } finally {
            try {
                Files.deleteIfExists(sync);
                Files.deleteIfExists(start);
            } catch (IOException ignored) {
                // leftovers in the bundle are harmless
            }
        }
    }

    private static int readPid(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private static EngineException failure(Request r, String what, Path launcherLog) {
        String out = "";
        try {
            out = Files.exists(launcherLog) ? Files.readString(launcherLog).strip() : "";
        } catch (IOException ignored) {
            // no output to add
        }
        return new EngineException(EngineException.Category.RUNTIME_FAILURE,
                "creating container " + r.id() + ": " + what + (out.isEmpty() ? "" : ": " + out));
    }

    // ---- exec ------------------------------------------------------------------------------

    /**
     * One process to run in a running container.
     *
     * @param sessionDir conmon's bundle for the session: its attach socket, pid file, log and exit dir go there
     * @param processSpec the OCI process JSON for {@code runc exec --process}
     */
    public record ExecRequest(String containerId, String containerName, String sessionId, Path sessionDir,
            Path processSpec, boolean tty, boolean stdin) {}

    /** A started exec process: its PID and a future completed with its exit code. */
    public record ExecStarted(int pid, int conmonPid, CompletableFuture<Integer> exit) {}

    List<String> execArgv(ExecRequest r) {
        List<String> a = new ArrayList<>(List.of(conmon.toString(), "--api-version", "1", "-c", r.containerId(), "-u",
                r.sessionId(), "-r", runtime.toString(), "-b", r.sessionDir().toString(), "-p",
                r.sessionDir().resolve("exec_pid").toString(), "-n", r.containerName(), "--exit-dir",
                r.sessionDir().resolve("exit").toString(), "--persist-dir", r.sessionDir().resolve("persist").toString(),
                "--full-attach", "--runtime-arg", "--root", "--runtime-arg", runtimeRoot.toString(),
                "-l", "k8s-file:" + r.sessionDir().resolve("exec_log"), "--log-level", "error", "--syslog",
                "--conmon-pidfile", r.sessionDir().resolve("conmon.pid").toString()));
        if (r.tty()) {
            a.add("-t");
        } else if (r.stdin()) {
            a.add("-i");
        }
        a.addAll(List.of("-e", "--exec-attach", "--exec-process-spec", r.processSpec().toString()));
        return a;
    }

    /**
     * Starts an exec session through conmon (facts §5.11): conmon reports its attach socket on the
     * attach pipe and waits for a second start byte, so {@code beforeRun} can connect a client
     * before the process runs and no output is lost.
     */
    public ExecStarted exec(ExecRequest r, java.util.function.Consumer<Path> beforeRun) {
        Path sync = r.sessionDir().resolve("sync.fifo");
        Path start = r.sessionDir().resolve("start.fifo");
        Path attach = r.sessionDir().resolve("attach.fifo");
        Path launcherLog = r.sessionDir().resolve("conmon.out");
        Request asCreate = new Request(r.sessionId(), r.containerName(), r.sessionDir(), r.sessionDir(), launcherLog,
                -1, false);
        FileChannel syncCh = null;
        boolean started = false;
        try {
            Files.createDirectories(r.sessionDir().resolve("exit"));
            Files.createDirectories(r.sessionDir().resolve("persist"));
            for (Path f : List.of(sync, start, attach)) {
                Files.deleteIfExists(f);
                PosixFiles.makeFifo(f, 0600);
            }
            syncCh = FileChannel.open(sync, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try (FileChannel startCh = FileChannel.open(start, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    FileChannel attachCh = FileChannel.open(attach, StandardOpenOption.READ,
                            StandardOpenOption.WRITE)) {
                int conmonPid = spawn(execArgv(r), r.sessionDir(), List.of(sync, start, attach), startCh, asCreate,
                        launcherLog);
                JsonNode ready = readLine(attachCh, conmonPid, asCreate, launcherLog, createTimeout);
                if (ready.path("data").asInt(-1) < 0) {
                    throw new EngineException(EngineException.Category.RUNTIME_FAILURE, "exec failed: "
                            + ready.path("message").asString("conmon could not set up the attach socket"));
                }
                beforeRun.accept(r.sessionDir().resolve("attach"));
                startCh.write(ByteBuffer.wrap(new byte[] {0}));
                JsonNode msg = readLine(syncCh, conmonPid, asCreate, launcherLog, createTimeout);
                int pid = msg.path("data").asInt(-1);
                if (pid < 0) {
                    String why = msg.path("message").asString("");
                    throw new EngineException(EngineException.Category.RUNTIME_FAILURE, "exec failed: "
                            + (why.isBlank() ? "the OCI runtime gave no reason" : why.strip()));
                }
                CompletableFuture<Integer> exit = new CompletableFuture<>();
                FileChannel ch = syncCh;
                READERS.submit(() -> {
                    int code;
                    try {
                        code = readLine(ch, conmonPid, asCreate, launcherLog, null).path("data").asInt(-1);
                    } catch (RuntimeException | InterruptedException e) {
                        code = exitFileCode(r.sessionDir().resolve("exit").resolve(r.sessionId()));
                    } finally {
                        try {
                            ch.close();
                        } catch (IOException ignored) {
                            // closing our end of a FIFO
                        }
                    }
                    exit.complete(code);
                });
                started = true;
                return new ExecStarted(pid, conmonPid, exit);
            }
        } catch (IOException e) {
            throw new EngineException(EngineException.Category.RUNTIME_FAILURE,
                    "starting conmon for exec " + r.sessionId() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.internal("interrupted while starting exec " + r.sessionId(), e);
        } finally {
            if (!started && syncCh != null) {
                try {
                    syncCh.close();
                } catch (IOException ignored) {
                    // nothing to release
                }
            }
            for (Path f : List.of(sync, start, attach)) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // the open ends keep working without the names
                }
            }
        }
    }

    /**
     * Runs conmon with the FIFOs on fds 3, 4 (and 5): sync, start (and attach), as its
     * {@code _OCI_*PIPE} variables say. Java cannot pass extra fds to a child, so a one-line shell
     * opens them and execs conmon. Writes the first start byte, waits for conmon's first process
     * to exit (it double-forks) and returns the PID conmon wrote to {@code conmon.pid}.
     */
    private int spawn(List<String> conmonArgv, Path dir, List<Path> fifos, FileChannel startCh, Request forErrors,
            Path launcherLog) throws IOException, InterruptedException {
        // "f0=$1; f1=$2; shift 2; exec "$@" 3<>"$f0" 4<>"$f1"": the FIFO paths come first, then conmon's argv
        StringBuilder script = new StringBuilder();
        StringBuilder redirects = new StringBuilder();
        for (int i = 0; i < fifos.size(); i++) {
            script.append("f").append(i).append("=$").append(i + 1).append("; ");
            redirects.append(' ').append(3 + i).append("<>\"$f").append(i).append('"');
        }
        script.append("shift ").append(fifos.size()).append("; exec \"$@\"").append(redirects);
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", script.toString(), "conmon-launch"));
        fifos.forEach(f -> cmd.add(f.toString()));
        cmd.addAll(conmonArgv);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(launcherLog.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        List<String> names = List.of("_OCI_SYNCPIPE", "_OCI_STARTPIPE", "_OCI_ATTACHPIPE");
        for (int i = 0; i < fifos.size(); i++) {
            pb.environment().put(names.get(i), Integer.toString(3 + i));
        }
        Process launched = pb.start();
        startCh.write(ByteBuffer.wrap(new byte[] {0}));
        if (!launched.waitFor(createTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            launched.destroyForcibly();
            throw failure(forErrors, "conmon did not detach within " + createTimeout.toSeconds() + "s", launcherLog);
        }
        if (launched.exitValue() != 0) {
            throw failure(forErrors, "conmon failed with exit code " + launched.exitValue(), launcherLog);
        }
        return readPid(dir.resolve("conmon.pid"));
    }

    private static int exitFileCode(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One JSON line from a conmon pipe; gives up when conmon dies (after a last look) or, with a
     * timeout, when it passes.
     */
    private JsonNode readLine(FileChannel ch, int conmonPid, Request r, Path launcherLog, Duration timeout)
            throws InterruptedException {
        Future<String> line = READERS.submit(() -> {
            ByteBuffer one = ByteBuffer.allocate(1);
            StringBuilder sb = new StringBuilder();
            while (true) {
                one.clear();
                if (ch.read(one) < 0) {
                    return sb.toString();
                }
                char c = (char) one.get(0);
                if (c == '\n') {
                    return sb.toString();
                }
                sb.append(c);
            }
        });
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                try {
                    return JSON.readTree(line.get(100, TimeUnit.MILLISECONDS).getBytes(StandardCharsets.UTF_8));
                } catch (TimeoutException stillWaiting) {
                    if (!ProcessHandle.of(conmonPid).map(ProcessHandle::isAlive).orElse(false)) {
                        try {
                            return JSON.readTree(line.get(200, TimeUnit.MILLISECONDS));
                        } catch (TimeoutException gone) {
                            throw failure(r, "conmon exited without reporting", launcherLog);
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw failure(r, "no report from conmon within " + timeout.toSeconds() + "s", launcherLog);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw failure(r, "reading conmon's report: " + e.getCause().getMessage(), launcherLog);
        } finally {
            line.cancel(true);
        }
    }
}
