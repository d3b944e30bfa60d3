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
                List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
                        "s=$1; t=$2; shift 2; exec \"$@\" 3<>\"$s\" 4<>\"$t\"", "conmon-launch", sync.toString(),
                        start.toString()));
                cmd.addAll(argv(r));
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(r.bundle().toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(launcherLog.toFile()).redirectErrorStream(true);
                pb.environment().clear();
                pb.environment().putAll(env);
                pb.environment().put("_OCI_SYNCPIPE", "3");
                pb.environment().put("_OCI_STARTPIPE", "4");
                Process launched = pb.start();
                startCh.write(ByteBuffer.wrap(new byte[] {0}));
                // conmon forks, writes its pidfile and the first process exits
                if (!launched.waitFor(createTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    launched.destroyForcibly();
                    throw failure(r, "conmon did not detach within " + createTimeout.toSeconds() + "s", launcherLog);
                }
                if (launched.exitValue() != 0) {
                    throw failure(r, "conmon failed with exit code " + launched.exitValue(), launcherLog);
                }
                int conmonPid = readPid(r.bundle().resolve("conmon.pid"));
                JsonNode msg = readSync(syncCh, conmonPid, r, launcherLog);
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

    /** Reads conmon's one-line JSON report, giving up when conmon dies or the timeout passes. */
    private JsonNode readSync(FileChannel syncCh, int conmonPid, Request r, Path launcherLog)
            throws InterruptedException {
        Future<String> line = READERS.submit(() -> {
            ByteBuffer one = ByteBuffer.allocate(1);
            StringBuilder sb = new StringBuilder();
            while (true) {
                one.clear();
                if (syncCh.read(one) < 0) {
                    return sb.toString();
                }
                char c = (char) one.get(0);
                if (c == '\n') {
                    return sb.toString();
                }
                sb.append(c);
            }
        });
        long deadline = System.nanoTime() + createTimeout.toNanos();
        try {
            while (true) {
                try {
                    return JSON.readTree(line.get(100, TimeUnit.MILLISECONDS).getBytes(StandardCharsets.UTF_8));
                } catch (TimeoutException stillWaiting) {
                    if (!ProcessHandle.of(conmonPid).map(ProcessHandle::isAlive).orElse(false)) {
                        // conmon may have written just before exiting
                        try {
                            return JSON.readTree(line.get(200, TimeUnit.MILLISECONDS));
                        } catch (TimeoutException gone) {
                            throw failure(r, "conmon exited without reporting the container's PID", launcherLog);
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw failure(r, "container creation timeout after " + createTimeout.toSeconds() + "s",
                                launcherLog);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw failure(r, "reading conmon's report: " + e.getCause().getMessage(), launcherLog);
        } finally {
            line.cancel(true);
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
}
