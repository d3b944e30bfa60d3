package io.jpod.oci;

import io.jpod.error.EngineException;
import io.jpod.host.BinaryDiscovery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link OciRuntime} of conmon plus runc (or crun), as libpod's ConmonOCIRuntime: containers and
 * exec sessions are created under conmon ({@link Conmon}), everything else goes to the runtime's
 * command line ({@link RuntimeCli}) under jpod's own {@code --root}. The binaries are asked for on
 * every call, so one removed or put back under the running daemon is noticed without a restart.
 */
public final class ConmonOciRuntime implements OciRuntime {

    private final Supplier<BinaryDiscovery> runtime;
    private final Supplier<BinaryDiscovery> conmon;
    private final Path runtimeRoot;
    private final Path exitDir;
    private final Map<String, String> env;
    private final Duration createTimeout;

    /**
     * @param runtimeRoot the runtime's {@code --root}, where it keeps jpod's containers
     * @param exitDir where conmon writes each container's exit code, in a file named by its ID
     * @param env the whole environment of conmon and the runtime
     * @param createTimeout how long conmon may take to detach and report a create or an exec
     */
    public ConmonOciRuntime(Supplier<BinaryDiscovery> runtime, Supplier<BinaryDiscovery> conmon, Path runtimeRoot,
            Path exitDir, Map<String, String> env, Duration createTimeout) {
        this.runtime = runtime;
        this.conmon = conmon;
        this.runtimeRoot = runtimeRoot;
        this.exitDir = exitDir;
        this.env = Map.copyOf(env);
        this.createTimeout = createTimeout;
    }

    @Override
    public String name() {
        return runtime.get().name();
    }

    @Override
    public void checkAvailable() {
        for (BinaryDiscovery d : List.of(runtime.get(), conmon.get())) {
            if (!d.available()) {
                throw new EngineException(EngineException.Category.UNAVAILABLE,
                        d.found() ? d.unavailableReason() : d.problem() + ": " + d.hint());
            }
        }
    }

    @Override
    public Created create(CreateRequest request) {
        return launcher().create(request);
    }

    @Override
    public ExecStarted exec(ExecRequest request, Consumer<Path> beforeRun) {
        return launcher().exec(request, beforeRun);
    }

    @Override
    public String status(String id) {
        return cli().status(id);
    }

    @Override
    public Map<String, String> list() {
        return cli().list();
    }

    @Override
    public void start(String id) {
        cli().start(id);
    }

    @Override
    public void pause(String id) {
        cli().pause(id);
    }

    @Override
    public void resume(String id) {
        cli().resume(id);
    }

    @Override
    public List<Integer> processes(String id) {
        return cli().processes(id);
    }

    @Override
    public void kill(String id, String signal) {
        cli().kill(id, signal);
    }

    @Override
    public void delete(String id) {
        cli().delete(id);
    }

    @Override
    public void update(String id, byte[] resources) {
        cli().update(id, resources);
    }

    private RuntimeCli cli() {
        checkAvailable();
        return new RuntimeCli(runtime.get().path(), runtimeRoot, env);
    }

    private Conmon launcher() {
        checkAvailable();
        return new Conmon(conmon.get().path(), runtime.get().path(), runtimeRoot, exitDir, env, createTimeout);
    }
}
