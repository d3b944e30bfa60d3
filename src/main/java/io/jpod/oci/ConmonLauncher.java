package io.jpod.oci;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Transitional: conmon with fixed binary paths and no availability check, in the shape the
 * container package still calls. Remove once it uses {@link OciRuntime#create} and
 * {@link OciRuntime#exec}; new code uses those.
 */
public final class ConmonLauncher {

    private final Conmon conmon;

    public ConmonLauncher(Path conmon, Path runtime, Path runtimeRoot, Path exitDir, Map<String, String> env,
            Duration createTimeout) {
        this.conmon = new Conmon(conmon, runtime, runtimeRoot, exitDir, Map.copyOf(env), createTimeout);
    }

    /** As {@link CreateRequest}. */
    public record Request(String id, String name, Path bundle, Path persistDir, Path logPath, long logSizeMax,
            boolean noPivot, boolean tty, boolean stdin) {

        public Request(String id, String name, Path bundle, Path persistDir, Path logPath, long logSizeMax,
                boolean noPivot) {
            this(id, name, bundle, persistDir, logPath, logSizeMax, noPivot, false, false);
        }
    }

    /** As {@link io.jpod.oci.Created}. */
    public record Created(int pid, int conmonPid) {}

    /** As {@link io.jpod.oci.ExecRequest}. */
    public record ExecRequest(String containerId, String containerName, String sessionId, Path sessionDir,
            Path processSpec, boolean tty, boolean stdin) {}

    /** As {@link io.jpod.oci.ExecStarted}. */
    public record ExecStarted(int pid, int conmonPid, java.util.concurrent.CompletableFuture<Integer> exit) {}

    public Created create(Request r) {
        io.jpod.oci.Created c = conmon.create(new CreateRequest(r.id(), r.name(), r.bundle(), r.persistDir(),
                r.logPath(), r.logSizeMax(), r.noPivot(), r.tty(), r.stdin()));
        return new Created(c.pid(), c.conmonPid());
    }

    public ExecStarted exec(ExecRequest r, Consumer<Path> beforeRun) {
        io.jpod.oci.ExecStarted s = conmon.exec(new io.jpod.oci.ExecRequest(r.containerId(), r.containerName(),
                r.sessionId(), r.sessionDir(), r.processSpec(), r.tty(), r.stdin()), beforeRun);
        return new ExecStarted(s.pid(), s.conmonPid(), s.exit());
    }
}
