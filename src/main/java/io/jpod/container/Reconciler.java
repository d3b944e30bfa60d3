package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.lock.Locking;
import io.jpod.network.EndpointNames;
import io.jpod.network.NetworkService;
import io.jpod.oci.OciRuntime;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.PodState;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import io.jpod.storage.PosixFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Crash recovery at daemon start, by idempotent clean-up (no journal): every container is synced,
 * under its lock, to what runc and conmon say — a live process is running (re-adopted), a process
 * that ended is recorded with its exit code and fully cleaned up (runtime, mounts, network), work an
 * interrupted start or stop left half done is finished or undone — and then whatever no known
 * container owns is swept: runc containers, conmon processes, mounts, directories, network
 * namespaces and address leases. Running it twice changes nothing the second time.
 */
final class Reconciler {

    private static final Log LOG = LogFactory.getLog(Reconciler.class);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    private final State state;
    private final Locking locking;
    private final OciRuntime oci;
    private final ContainerSync sync;
    private final ContainerNetworking networking;
    private final NetworkService networks;
    private final ContainerPaths paths;
    private final Path graphRoot;
    private final Path runtimeRoot;

    /** {@code runtimeRoot}: the OCI runtime's {@code --root}, one directory per container it holds. */
    Reconciler(State state, Locking locking, OciRuntime oci, ContainerSync sync, ContainerNetworking networking,
            NetworkService networks, ContainerPaths paths, Path graphRoot, Path runtimeRoot) {
        this.state = state;
        this.locking = locking;
        this.oci = oci;
        this.sync = sync;
        this.networking = networking;
        this.networks = networks;
        this.paths = paths;
        this.graphRoot = graphRoot;
        this.runtimeRoot = runtimeRoot;
    }

    /** Syncs every container to the truth, then sweeps what nobody owns. Never throws. */
    void reconcile() {
        try {
            oci.checkAvailable();
        } catch (EngineException e) {
            LOG.warn("Not reconciling containers with the runtime: " + e.getMessage());
            return;
        }
        reconcilePods();
        Map<String, String> runtimeView;
        try {
            runtimeView = oci.list(); // one call, not one per container: a restart stays quick
        } catch (RuntimeException e) {
            LOG.warn("Not reconciling containers with the runtime: listing them failed: " + e.getMessage());
            return;
        }
        Set<String> mounts = mountPoints();
        Set<String> known = new HashSet<>();
        for (StoredContainer c : state.allContainers()) {
            known.add(c.id());
            try {
                locking.run(c.config().lockId(), () -> reconcile(c.id(), runtimeView.getOrDefault(c.id(), ""), mounts));
            } catch (RuntimeException e) {
                LOG.warn("Reconciling container " + c.id() + ": " + e.getMessage());
            }
        }
        if (!state.namespace().isEmpty()) {
            // this state sees only its namespace: another namespace's containers would look like orphans
            LOG.info("Not sweeping orphans: the state's namespace " + state.namespace() + " hides the others' containers");
            return;
        }
        try {
            sweep(known, mountPoints());
        } catch (RuntimeException e) {
            LOG.warn("Sweeping what crashed operations left: " + e.getMessage());
        }
    }

    /**
     * A pod create interrupted between the infra container's record and the pod's gets its infra
     * container recorded; a pod whose infra container is gone with every other member (a removal
     * interrupted before the pod's record went) is removed.
     */
    private void reconcilePods() {
        for (StoredPod p : state.allPods()) {
            try {
                if (!p.config().hasInfra()) {
                    continue;
                }
                List<StoredContainer> members = state.allContainers().stream()
                        .filter(c -> p.id().equals(c.config().podId())).toList();
                String infraId = p.state().infraContainerId() == null ? "" : p.state().infraContainerId();
                if (members.stream().anyMatch(c -> c.id().equals(infraId))) {
                    continue;
                }
                Optional<StoredContainer> infra = members.stream().filter(c -> c.config().infra()).findFirst();
                if (infra.isPresent()) {
                    LOG.info("Pod " + p.id() + " gets its infra container " + infra.get().id() + " recorded (an "
                            + "interrupted create)");
                    locking.run(p.config().lockId(), () -> state.savePodState(p.id(),
                            new PodState(p.state().cgroupPath(), infra.get().id())));
                } else if (members.isEmpty()) {
                    LOG.info("Removing pod " + p.id() + ", which has no infra container (an interrupted create or "
                            + "removal)");
                    locking.removeAndFree(p.config().lockId(), () -> state.removePod(p.id()));
                }
            } catch (RuntimeException e) {
                LOG.warn("Reconciling pod " + p.id() + ": " + e.getMessage());
            }
        }
    }

    private void reconcile(String id, String runtime, Set<String> mounts) {
        StoredContainer c = state.container(id);
        ContainerStatus s = c.state().status();
        Optional<ProcessHandle> conmon = conmon(c);
        boolean live = conmon.isPresent() && (runtime.equals("running") || runtime.equals("paused"));
        if (live && (s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED)) {
            ContainerStatus truth = runtime.equals("paused") ? ContainerStatus.PAUSED : ContainerStatus.RUNNING;
            if (truth != s) {
                Transitions.save(state, c, c.state().withStatus(truth));
            }
            return;
        }
        if (live && s == ContainerStatus.CREATED) {
            // a start interrupted after the runtime's start: it runs, and its exit is watched as any other's
            LOG.info("Container " + id + " runs though its start was interrupted: recorded as running");
            Transitions.save(state, c, c.state().withStatus(ContainerStatus.RUNNING)
                    .withProcess(c.state().pid(), (int) conmon.get().pid(), Instant.now()));
            return;
        }
        if (runtime.equals("created") && conmon.isPresent() && s == ContainerStatus.CREATED) {
            return; // initialized, waiting for its start
        }
        if (!runtime.isEmpty() && !runtime.equals("stopped")) {
            // an interrupted stop is finished; a process the record does not own (an interrupted create) is undone
            LOG.info("Container " + id + " is " + s.display() + " but " + runtime + " to the runtime: "
                    + (s == ContainerStatus.STOPPING ? "finishing its stop" : "ending it"));
            try {
                oci.kill(id, "KILL");
            } catch (RuntimeException e) {
                LOG.debug("SIGKILL: " + e.getMessage());
            }
            sync.processEndsWithin(id, EXIT_WAIT);
        }
        if (runtime.isEmpty()) {
            conmon.ifPresent(ProcessHandle::destroyForcibly); // a conmon whose runtime create never happened
        } else {
            conmon.ifPresent(this::awaitOrKill); // it writes the exit file as the process ends
        }
        if (Transitions.active(s)) {
            // the exit conmon recorded, or -1 when conmon died without one; a record that names no conmon
            // at all (never written by a start) is left as it is
            c = sync.sync(id);
        } else if (s == ContainerStatus.STOPPED) {
            c = sync.cleanup(c);
        }
        scrub(c, !runtime.isEmpty(), mounts);
    }

    /**
     * What a container without a process must not hold any more: its runtime entry, root and /dev/shm
     * mounts, network namespace and leases (an interrupted start or clean-up leaves them).
     */
    private void scrub(StoredContainer c, boolean inRuntime, Set<String> mounts) {
        String id = c.id();
        if (Transitions.active(c.state().status())) {
            networks.sweep(id, c.state().netNs().isEmpty() ? null : Path.of(c.state().netNs()), names(c));
            return;
        }
        if (inRuntime) {
            oci.delete(id);
        }
        ContainerPaths.Layout l = paths.layout(id);
        if (mounts.contains(l.merged().toString()) || mounts.contains(paths.shm(id).toString())) {
            LOG.info("Unmounting the root of " + id + ", which does not run");
            PosixFiles.unmount(l.merged());
            ShmMounts.release(paths, id);
        }
        if (!c.state().netNs().isEmpty()) {
            LOG.info("Releasing the network of " + id + ", which does not run");
            try {
                Transitions.save(state, c, networking.release(c, c.state()));
            } catch (RuntimeException e) {
                LOG.warn("releasing the network of " + id + ": " + e.getMessage());
            }
        }
        networks.sweep(id, null, names(c));
    }

    private static EndpointNames names(StoredContainer c) {
        return new EndpointNames(c.name(), c.config().run() == null ? Map.of() : c.config().run().names().aliases());
    }

    /** The container's conmon, alive: the one recorded, or the one its pid file names (an interrupted create). */
    private Optional<ProcessHandle> conmon(StoredContainer c) {
        long pid = c.state().conmonPid();
        if (pid <= 0) {
            try {
                pid = Long.parseLong(Files.readString(paths.layout(c.id()).userdata().resolve("conmon.pid")).strip());
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }
        return conmonOf(pid, c.id());
    }

    /** The process, when it is alive and a conmon of container {@code id} under this runtime root (PIDs recycle). */
    private Optional<ProcessHandle> conmonOf(long pid, String id) {
        List<String> argv = argv(pid);
        if (argv.isEmpty() || !argv.get(0).endsWith("conmon") || !argv.contains(runtimeRoot.toString())) {
            return Optional.empty();
        }
        int c = argv.indexOf("-c");
        return c >= 0 && c + 1 < argv.size() && argv.get(c + 1).equals(id) ? ProcessHandle.of(pid) : Optional.empty();
    }

    private static List<String> argv(long pid) {
        try {
            String s = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return s.isEmpty() ? List.of() : List.of(s.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private void awaitOrKill(ProcessHandle p) {
        try {
            p.onExit().get(EXIT_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception notYet) {
            LOG.info("Killing conmon " + p.pid() + ", whose container has no process");
            p.destroyForcibly();
        }
    }

    // ---- orphans ---------------------------------------------------------------------------------

    /** Runtime entries, conmon processes, mounts and directories of containers the state does not know. */
    private void sweep(Set<String> known, Set<String> mounts) {
        for (String id : list(runtimeRoot)) {
            if (!known.contains(id) && Files.isDirectory(runtimeRoot.resolve(id))) {
                LOG.info("Deleting runtime container " + id + ", which no container record owns");
                try {
                    oci.delete(id);
                } catch (RuntimeException e) {
                    LOG.warn("deleting runtime container " + id + ": " + e.getMessage());
                }
            }
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                List<String> argv = argv(Long.parseLong(p.getFileName().toString()));
                int c = argv.indexOf("-c");
                if (argv.isEmpty() || !argv.get(0).endsWith("conmon") || !argv.contains(runtimeRoot.toString())
                        || c < 0 || c + 1 >= argv.size()) {
                    continue;
                }
                String id = argv.get(c + 1);
                long pid = Long.parseLong(p.getFileName().toString());
                boolean exec = argv.contains("-e");
                // a conmon spawned by a create the crash cut short is none of its container's, even a known one
                if (!known.contains(id) || (exec ? !running(id) : !ownConmon(id, pid))) {
                    LOG.info("Killing conmon " + p.getFileName() + " of " + id + ", which no container record owns");
                    ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException e) {
            LOG.warn("listing processes: " + e.getMessage());
        }
        Path containers = graphRoot.resolve("containers");
        for (String id : list(containers)) {
            if (known.contains(id)) {
                continue;
            }
            // a create that ended before its record was written, or a removal before its files went
            LOG.info("Removing the files of container " + id + ", which no container record owns");
            ContainerPaths.Layout l = paths.layout(id);
            for (String m : mounts) {
                if (m.startsWith(l.base().toString() + "/")) {
                    PosixFiles.unmount(Path.of(m));
                }
            }
            io.jpod.storage.Trees.delete(l.base());
            io.jpod.storage.Trees.delete(paths.persistDir(id));
        }
        networks.sweepLeases(known);
    }

    /** Whether {@code pid} is the conmon the container's record names, and the container has a process. */
    private boolean ownConmon(String id, long pid) {
        try {
            ContainerState st = state.container(id).state();
            return Transitions.active(st.status()) && (st.conmonPid() <= 0 || st.conmonPid() == pid);
        } catch (EngineException gone) {
            return false;
        }
    }

    private boolean running(String id) {
        try {
            ContainerStatus s = state.container(id).state().status();
            return s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED;
        } catch (EngineException gone) {
            return false;
        }
    }

    private static List<String> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[0-9a-f]{64}")).toList();
        } catch (IOException e) {
            LOG.warn("listing " + dir + ": " + e.getMessage());
            return List.of();
        }
    }

    /** Mount points now, from this process's mount table. */
    private static Set<String> mountPoints() {
        Set<String> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4) {
                    out.add(f[4].replace("\\040", " "));
                }
            }
        } catch (IOException e) {
            LOG.warn("reading the mount table: " + e.getMessage());
        }
        return out;
    }
}
