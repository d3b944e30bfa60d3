package io.jpod.container;

import io.jpod.common.Ids;
import io.jpod.error.EngineException;
import io.jpod.oci.AttachSocket;
import io.jpod.oci.ExecRequest;
import io.jpod.oci.ExecStarted;
import io.jpod.oci.OciRuntime;
import io.jpod.oci.SpecGenerator;
import io.jpod.oci.SpecOptions;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ExecSession;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Processes run in a running container beside its main one, through conmon and the OCI runtime
 * ({@code runc exec}). Sessions are kept in the state until their container goes.
 */
public final class ExecService {

    private static final Log LOG = LogFactory.getLog(ExecService.class);

    private final ContainerService containers;
    private final State state;
    private final OciRuntime oci;
    private final SpecGenerator specs;
    private final JsonMapper json;
    private final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();

    public ExecService(ContainerService containers, State state, OciRuntime oci, JsonMapper json) {
        this.containers = containers;
        this.state = state;
        this.oci = oci;
        this.specs = new SpecGenerator(json);
        this.json = json;
    }

    /** What a client asks to run; empty fields take the container's. */
    public record Request(List<String> cmd, List<String> env, String user, String workingDir, boolean tty,
            boolean stdin) {}

    public ExecSession create(String container, Request req) {
        StoredContainer c = containers.inspect(container);
        if (req.cmd() == null || req.cmd().isEmpty()) {
            throw EngineException.invalidArgument("no command given to exec");
        }
        Transitions.Op.EXEC.check(c);
        for (String kv : req.env() == null ? List.<String>of() : req.env()) {
            if (kv.indexOf('=') <= 0) {
                throw EngineException.invalidArgument("invalid environment variable \"" + kv + "\": use KEY=VALUE");
            }
        }
        ExecSession s = new ExecSession(Ids.random(), c.id(), req.cmd(), req.env(), req.user(), req.workingDir(), req.tty(),
                req.stdin(), Instant.now(), "created", 0, 0);
        state.saveExecSession(s);
        return s;
    }

    public ExecSession inspect(String id) {
        return state.execSession(id);
    }

    /**
     * Starts the session's process. {@code attach}, when given, is called with conmon's attach
     * socket before the process runs. Returns the running session; its exit is recorded when it comes.
     */
    public ExecSession start(String id, Consumer<Path> attach) {
        ExecSession s = inspect(id);
        if (!s.status().equals("created")) {
            throw EngineException.invalidState("exec session " + id + " has already been started");
        }
        // launched under the container's lock: it cannot stop or go away halfway through
        return containers.underLock(state.lookupContainer(s.containerId()), Transitions.Op.EXEC,
                c -> launch(s, c, attach));
    }

    private ExecSession launch(ExecSession s, StoredContainer c, Consumer<Path> attach) {
        String id = s.id();
        RunConfig run = c.config().run();
        ContainerPaths.Layout l = containers.paths().layout(c.id());
        Path dir = l.userdata().resolve("exec").resolve(id);
        try {
            Files.createDirectories(dir);
            Path process = writeProcessSpec(s, c, run, l, dir);
            ExecStarted started;
            try {
                started = oci.exec(new ExecRequest(c.id(), c.name(), id, dir, process, s.tty(), s.stdin()),
                        attach == null ? p -> { } : attach);
            } catch (EngineException e) {
                // as Docker: the session ends with 127 (not found) or 126 (not executable)
                state.saveExecSession(s.exited(ContainerStarter.startFailureCode(e.getMessage())));
                if (e.category() == EngineException.Category.RUNTIME_FAILURE && containers.processEndsWithin(c.id(), java.time.Duration.ofMillis(500))) {
                    // the container's process ended before conmon noticed: a conflict, not an engine failure
                    throw EngineException.invalidState("container " + c.id() + " is not running: cannot exec in it");
                }
                throw e;
            }
            ExecSession running = s.running(started.pid());
            state.saveExecSession(running);
            CompletableFuture<Integer> done = started.exit().thenApply(code -> {
                try {
                    state.saveExecSession(running.exited(code));
                } catch (RuntimeException gone) {
                    LOG.debug("exec " + id + " ended after its container went: " + gone.getMessage());
                }
                return code;
            });
            exits.put(id, done);
            done.whenComplete((code, e) -> exits.remove(id));
            return running;
        } catch (IOException e) {
            Trees.delete(dir);
            throw EngineException.internal("preparing exec " + id + ": " + e.getMessage(), e);
        }
    }

    /** The OCI process of the session: the container's environment, user and directory unless it gives its own. */
    private Path writeProcessSpec(ExecSession s, StoredContainer c, RunConfig run, ContainerPaths.Layout l, Path dir)
            throws IOException {
        Users.Resolved user = Users.resolve(l.merged(), s.user().isEmpty() ? run.user() : s.user());
        Map<String, String> env = new LinkedHashMap<>();
        for (List<String> source : List.of(run.env(), s.env())) {
            for (String kv : source) {
                int eq = kv.indexOf('=');
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        env.putIfAbsent("HOME", user.home());
        if (s.tty()) {
            env.putIfAbsent("TERM", "xterm");
        }
        var rl = HostLimits.read();
        // the container's capabilities, no-new-privileges and extra groups hold for its exec sessions too
        List<Integer> groups = new java.util.ArrayList<>(user.additionalGids());
        ContainerSecurity.groups(l.merged(), run.security()).stream().filter(g -> !groups.contains(g))
                .forEach(groups::add);
        SpecOptions opts = new SpecOptions(c.id(), run.hostname(), s.args(),
                env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
                s.workingDir().isEmpty() ? run.workingDir() : s.workingDir(), user.uid(), user.gid(),
                groups, s.tty(), l.merged(), "", 0, rl.nofile(), rl.nproc(), List.of(), false, null, List.of(),
                Map.of(), ContainerSecurity.processSecurity(run.security()),
                ResourcePlanner.spec(run.resources())); // its ulimits hold for exec sessions too
        Path process = dir.resolve("process.json");
        Files.write(process, json.writeValueAsBytes(specs.process(opts)));
        return process;
    }

    /** Completes with the exit code; at once for a session that has ended. */
    public CompletableFuture<Integer> exit(String id) {
        CompletableFuture<Integer> f = exits.get(id);
        if (f != null) {
            return f;
        }
        ExecSession s = inspect(id);
        return s.status().equals("exited") ? CompletableFuture.completedFuture(s.exitCode())
                : new CompletableFuture<>();
    }

    public void resize(String id, int height, int width) {
        ExecSession s = inspect(id);
        if (height <= 0 || width <= 0 || height > 65535 || width > 65535) {
            throw EngineException.invalidArgument("terminal height and width must be within 1..65535");
        }
        if (!s.tty()) {
            throw EngineException.invalidState("exec session " + id + " has no terminal");
        }
        Path ctl = containers.paths().layout(s.containerId()).userdata().resolve("exec").resolve(id).resolve("ctl");
        try {
            AttachSocket.resize(ctl, height, width);
        } catch (IOException e) {
            throw EngineException.invalidState("resizing exec session " + id + ": " + e.getMessage());
        }
    }

    /** The sessions of a container (IDs for inspect's ExecIDs). */
    public List<String> sessionIds(String containerId) {
        List<String> out = new ArrayList<>();
        state.execSessions(containerId).forEach(s -> out.add(s.id()));
        return out;
    }
}
