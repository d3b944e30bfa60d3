package io.jpod.oci;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Interim: conmon and the runtime binary behind one interface (replaced by the oci-seam branch). */
public final class ConmonOciRuntime implements OciRuntime {

    private final Supplier<OciRuntime> binary;
    private final Supplier<ConmonLauncher> conmon;

    public ConmonOciRuntime(Supplier<OciRuntime> binary, Supplier<ConmonLauncher> conmon) {
        this.binary = binary;
        this.conmon = conmon;
    }

    @Override
    public String name() {
        return binary.get().name();
    }

    @Override
    public void checkAvailable() {
        binary.get();
    }

    @Override
    public Created create(CreateRequest r) {
        var c = conmon.get().create(new ConmonLauncher.Request(r.id(), r.name(), r.bundle(), r.persistDir(),
                r.logPath(), r.logSizeMax(), r.noPivot(), r.tty(), r.stdin()));
        return new Created(c.pid(), c.conmonPid());
    }

    @Override
    public ExecStarted exec(ExecRequest r, Consumer<Path> beforeRun) {
        var e = conmon.get().exec(new ConmonLauncher.ExecRequest(r.containerId(), r.containerName(), r.sessionId(),
                r.sessionDir(), r.processSpec(), r.tty(), r.stdin()), beforeRun);
        return new ExecStarted(e.pid(), e.conmonPid(), e.exit());
    }

    @Override
    public String status(String id) {
        return binary.get().status(id);
    }

    @Override
    public void start(String id) {
        binary.get().start(id);
    }

    @Override
    public void pause(String id) {
        binary.get().pause(id);
    }

    @Override
    public void resume(String id) {
        binary.get().resume(id);
    }

    @Override
    public List<Integer> processes(String id) {
        return binary.get().processes(id);
    }

    @Override
    public void kill(String id, String signal) {
        binary.get().kill(id, signal);
    }

    @Override
    public void delete(String id) {
        binary.get().delete(id);
    }
}
