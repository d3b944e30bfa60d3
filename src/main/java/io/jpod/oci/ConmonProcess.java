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
 * One conmon launch: starts conmon with its pipes and reads its reports. A JVM cannot hand extra
 * file descriptors to a child, so the pipes are named FIFOs in conmon's directory that a tiny
 * {@code /bin/sh} opens on descriptors 3, 4 (and 5) before it execs conmon. Every wait is bounded:
 * a conmon that dies or hangs is an error, never a stuck daemon.
 */
final class ConmonProcess {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> PIPE_VARIABLES = List.of("_OCI_SYNCPIPE", "_OCI_STARTPIPE", "_OCI_ATTACHPIPE");
    static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "conmon-sync-reader");
        t.setDaemon(true);
        return t;
    });

    private final String id;
    private final Path dir;
    private final Path launcherLog;
    private final Map<String, String> env;
    private final Duration timeout;
    private int conmonPid;

    /** For the container or exec session {@code id}, with conmon's files in {@code dir}. */
    ConmonProcess(String id, Path dir, Map<String, String> env, Duration timeout) {
        this.id = id;
        this.dir = dir;
        this.launcherLog = dir.resolve("conmon.out");
        this.env = env;
        this.timeout = timeout;
    }

    int pid() {
        return conmonPid;
    }

    /** Makes fresh FIFOs at these paths. */
    static void makeFifos(List<Path> fifos) throws IOException {
        for (Path f : fifos) {
            Files.deleteIfExists(f);
            PosixFiles.makeFifo(f, 0600);
        }
    }

    /** Opened read-write: opening a FIFO that way never blocks, whoever comes first. */
    static FileChannel open(Path fifo) throws IOException {
        return FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Removes the FIFOs' names; ends already open keep working without them. */
    static void removeQuietly(List<Path> fifos) {
        for (Path f : fifos) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // leftovers in the bundle are harmless
            }
        }
    }

    static void writeStartByte(FileChannel startCh) throws IOException {
        startCh.write(ByteBuffer.wrap(new byte[] {0}));
    }

    /**
     * Runs conmon with the FIFOs on fds 3, 4 (and 5): sync, start (and attach), as its
     * {@code _OCI_*PIPE} variables say. Writes the first start byte, waits for conmon's first
     * process to exit (it double-forks) and returns the PID conmon wrote to {@code conmon.pid}.
     */
    int spawn(List<String> conmonArgv, List<Path> fifos, FileChannel startCh)
            throws IOException, InterruptedException {
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
        for (int i = 0; i < fifos.size(); i++) {
            pb.environment().put(PIPE_VARIABLES.get(i), Integer.toString(3 + i));
        }
        Process launched = pb.start();
        writeStartByte(startCh);
        if (!launched.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            launched.destroyForcibly();
            throw failure("conmon did not detach within " + timeout.toSeconds() + "s");
        }
        if (launched.exitValue() != 0) {
            throw failure("conmon failed with exit code " + launched.exitValue());
        }
        conmonPid = readInt(dir.resolve("conmon.pid"), 0);
        return conmonPid;
    }

    /** The PID in a report ({@code data}), or the runtime's reason prefixed with {@code what} when it failed. */
    static int reportedPid(JsonNode msg, String what) {
        int pid = msg.path("data").asInt(-1);
        if (pid < 0) {
            String why = msg.path("message").asString("");
            throw new EngineException(EngineException.Category.RUNTIME_FAILURE,
                    what + (why.isBlank() ? "the OCI runtime gave no reason" : why.strip()));
        }
        return pid;
    }

    /**
     * One JSON line from a conmon pipe; gives up when conmon dies (after a last look) or, with a
     * timeout, when that passes.
     */
    JsonNode readLine(FileChannel ch, Duration limit) throws InterruptedException {
        Future<String> line = READERS.submit(() -> readLine(ch));
        long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                try {
                    return JSON.readTree(line.get(100, TimeUnit.MILLISECONDS).getBytes(StandardCharsets.UTF_8));
                } catch (TimeoutException stillWaiting) {
                    if (!ProcessHandle.of(conmonPid).map(ProcessHandle::isAlive).orElse(false)) {
                        try {
                            return JSON.readTree(line.get(200, TimeUnit.MILLISECONDS));
                        } catch (TimeoutException gone) {
                            throw failure("conmon exited without reporting");
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw failure("no report from conmon within " + limit.toSeconds() + "s");
                    }
                }
            }
        } catch (ExecutionException e) {
            throw failure("reading conmon's report: " + e.getCause().getMessage());
        } finally {
            line.cancel(true);
        }
    }

    private static String readLine(FileChannel ch) throws IOException {
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
    }

    /** A failed launch, with what conmon printed before it detached. */
    EngineException failure(String what) {
        String out = "";
        try {
            out = Files.exists(launcherLog) ? Files.readString(launcherLog).strip() : "";
        } catch (IOException ignored) {
            // no output to add
        }
        return new EngineException(EngineException.Category.RUNTIME_FAILURE,
                "creating container " + id + ": " + what + (out.isEmpty() ? "" : ": " + out));
    }

    /** The integer in a file conmon wrote, or {@code otherwise}. */
    static int readInt(Path file, int otherwise) {
        try {
            return Integer.parseInt(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return otherwise;
        }
    }
}
