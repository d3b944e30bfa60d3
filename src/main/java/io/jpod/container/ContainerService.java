package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.events.EventBus;
import io.jpod.events.OperationObserver;
import io.jpod.host.Cgroups;
import io.jpod.host.HostFacts;
import io.jpod.host.ProcessRunner;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.lock.Lock;
import io.jpod.network.NetworkService;
import io.jpod.common.PortMapping;
import io.jpod.oci.ConmonLauncher;
import io.jpod.oci.OciRuntime;
import io.jpod.oci.SeccompProfile;
import io.jpod.oci.SpecGenerator;
import io.jpod.oci.SpecOptions;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.runtime.Names;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.common.Ids;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.Trees;
import io.jpod.storage.VfsRootfs;
import io.jpod.volume.VolumeService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container lifecycle (libpod's Container API): create from an image, start through conmon,
 * stop, kill, wait, remove. Every operation holds the container's lock while it reads and changes
 * state, and releases it across waits for the container's process, as libpod does.
 */
public final class ContainerService implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(ContainerService.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final LibpodRuntime runtime;
    private final ImageStore images;
    private final VolumeService volumes;
    private final NetworkService networks;
    private final OperationObserver observer;
    private final EventBus events;
    private final SpecGenerator specs;
    private final JsonMapper json;
    private final ExitWatcher exits;
    /** The OCI seccomp filter from the host's default profile, built once; null when the host has none. */
    private final tools.jackson.databind.node.ObjectNode seccompSpec;
    private final String seccompError;
    private final Map<String, CompletableFuture<Void>> removals = new ConcurrentHashMap<>();
    /** Run when conmon has created the container and before its process starts (attach clients connect then). */
    private final Map<String, List<Consumer<Path>>> beforeStart = new ConcurrentHashMap<>();
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "container-restarts");
        t.setDaemon(true);
        return t;
    });
    /** Exit codes outlive their containers a while, for waits on auto-removed ones (podman's ContainerExitCode). */
    private final Map<String, Integer> recentExits = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > 1000;
                }
            });

    public ContainerService(LibpodRuntime runtime, ImageStore images, VolumeService volumes,
            NetworkService networks, OperationObserver observer, EventBus events, JsonMapper json) {
        this.runtime = runtime;
        this.observer = observer;
        this.events = events;
        this.networks = networks;
        this.images = images;
        this.volumes = volumes;
        this.specs = new SpecGenerator(json);
        this.json = json;
        try {
            this.exits = new ExitWatcher(Path.of(runtime.config().tmpDir(), "exits"), this::exited);
        } catch (IOException e) {
            throw EngineException.internal("watching the exit directory: " + e.getMessage(), e);
        }
        SeccompProfile seccomp = null;
        String seccompFailure = null;
        try {
            seccomp = SeccompProfile.find(SeccompProfile.DEFAULT_PATHS, json);
        } catch (EngineException e) {
            // a broken profile must not silently drop the filter: starts fail with this message
            seccompFailure = e.getMessage();
            LOG.error(seccompFailure + ": containers cannot start until it is fixed");
        }
        this.seccompError = seccompFailure;
        this.seccompSpec = seccomp == null ? null : seccomp.toOci(json, SpecGenerator.DEFAULT_CAPABILITIES,
                HostFacts.arch(), HostFacts.system().kernel());
        if (seccomp == null && seccompFailure == null) {
            LOG.warn("no seccomp profile at " + SeccompProfile.DEFAULT_PATHS + ": containers run without a seccomp "
                    + "filter (apt-get install golang-github-containers-common provides the default one)");
        }
        reconcile();
    }

    // ---- create ----------------------------------------------------------------------------

    public StoredContainer create(CreateRequest req) {
        return observer.time("create", () -> create(req, false));
    }

    /**
     * Creates the infra container of a pod: it holds the namespaces the pod shares and runs
     * {@code command} (catatonit's pause mode by default).
     */
    public StoredContainer createInfra(StoredPod pod, String image, List<String> command,
            List<PortMapping> ports) {
        // null keeps the image's entrypoint; a command replaces it
        return create(new CreateRequest(pod.id().substring(0, 12) + "-infra", image, command, null, List.of(),
                null, null, Map.of(), false, null, null, null, false, null, false, List.of(), pod.id(),
                new CreateRequest.NetworkRequest("bridge", List.of(), ports)), true);
    }

    private StoredContainer create(CreateRequest req, boolean infra) {
        if (req.image() == null || req.image().isEmpty()) {
            throw EngineException.invalidArgument("an image is required");
        }
        Image image = images.lookup(req.image());
        List<String> entrypoint = req.entrypoint() != null ? req.entrypoint() : image.config().entrypoint();
        List<String> cmd = req.command() != null && !req.command().isEmpty() ? req.command()
                : req.entrypoint() != null && !req.entrypoint().isEmpty() ? List.of() : image.config().cmd();
        List<String> args = new ArrayList<>(entrypoint);
        args.addAll(cmd);
        if (args.isEmpty()) {
            throw EngineException.invalidArgument("no command specified: the image has no CMD or ENTRYPOINT, give one");
        }
        String id = Ids.random();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("container", "jpod");
        for (List<String> source : List.of(image.config().env(), req.env())) {
            for (String kv : source) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw EngineException.invalidArgument("invalid environment variable \"" + kv + "\": use KEY=VALUE");
                }
                env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        StoredPod pod = req.pod() == null || req.pod().isEmpty() ? null : runtime.lookupPod(req.pod());
        boolean podUts = pod != null && pod.config().hasInfra() && pod.config().sharedNamespaces().contains("uts");
        if (!infra && podUts && req.hostname() != null && !req.hostname().isEmpty()) {
            throw EngineException.invalidArgument("a container sharing its pod's UTS namespace cannot set a hostname");
        }
        String hostname = podUts ? pod.name() : req.hostname() != null && !req.hostname().isEmpty() ? req.hostname()
                : id.substring(0, 12);
        env.put("HOSTNAME", hostname);
        if (req.tty()) {
            env.putIfAbsent("TERM", "xterm");
        }
        String stopSignal = req.stopSignal() != null && !req.stopSignal().isEmpty() ? req.stopSignal()
                : image.config().stopSignal().isEmpty() ? "SIGTERM" : image.config().stopSignal();
        RestartPolicy.parse(req.restartPolicy());
        int stopTimeout = req.stopTimeout() != null ? req.stopTimeout() : 10;
        if (stopTimeout < 0) {
            throw EngineException.invalidArgument("stop timeout must not be negative");
        }
        ResolvedNetwork net = resolveNetwork(req.network(), infra ? null : pod);
        PreparedMounts prepared = prepareMounts(req.mounts(), image.config().volumes());
        List<Mount> mounts = prepared.mounts();
        RunConfig run = new RunConfig(args, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
                req.workingDir() != null && !req.workingDir().isEmpty() ? req.workingDir()
                        : image.config().workingDir(),
                req.user() != null && !req.user().isEmpty() ? req.user() : image.config().user(), req.tty(),
                Signals.parse(stopSignal), stopTimeout, hostname, req.restartPolicy(), req.autoRemove(), req.stdin(),
                mounts, net.mode(), net.networks(), net.ports());
        String imageName = image.names().isEmpty() ? image.id() : image.names().get(0);
        StoredContainer c;
        try {
            c = runtime.createContainer(new ContainerConfig(id, req.name(), "", pod == null ? null : pod.id(), -1,
                    Instant.now(), image.id(), imageName, args, req.labels(), infra, run));
        } catch (RuntimeException e) {
            deleteVolumes(prepared.createdVolumes());
            throw e;
        }
        try {
            Files.createDirectories(layout(id).userdata());
        } catch (IOException e) {
            runtime.removeContainer(id);
            deleteVolumes(prepared.createdVolumes());
            throw EngineException.internal("creating the directories of " + id + ": " + e.getMessage(), e);
        }
        event("create", c);
        return c;
    }

    /** Publishes a container event with Docker's standard attributes (image, name). */
    private void event(String action, StoredContainer c, String... extra) {
        String[] kv = new String[4 + extra.length];
        kv[0] = "image";
        kv[1] = c.config().rootfsImageName();
        kv[2] = "pod";
        kv[3] = c.config().podId();
        System.arraycopy(extra, 0, kv, 4, extra.length);
        events.publish("container", action, c.id(), c.name(), EventBus.attributes(kv));
    }

    private record ResolvedNetwork(String mode, List<String> networks, List<PortMapping> ports) {}

    /**
     * The network mode, networks and ports of a new container, checked. A pod member that shares
     * its pod's network takes the pod's: it can neither choose nor publish.
     */
    private ResolvedNetwork resolveNetwork(CreateRequest.NetworkRequest req, StoredPod pod) {
        CreateRequest.NetworkRequest r = req == null ? new CreateRequest.NetworkRequest("", List.of(), List.of()) : req;
        if (pod != null && pod.config().hasInfra() && pod.config().sharedNamespaces().contains("net")) {
            if (!r.ports().isEmpty()) {
                throw EngineException.invalidArgument("a container sharing its pod's network cannot publish ports: "
                        + "publish them on the pod");
            }
            if (!r.mode().isEmpty() && !r.mode().equals("bridge") && !r.mode().equals("default")
                    && !r.mode().equals("private")) {
                throw EngineException.invalidArgument("a container sharing its pod's network cannot choose network "
                        + "mode " + r.mode());
            }
            return new ResolvedNetwork("pod", List.of(), List.of());
        }
        String mode = r.mode();
        List<String> nets = new ArrayList<>(r.networks());
        switch (mode) {
            case "", "bridge", "default", "private" -> mode = "bridge";
            case "none", "host" -> {
                if (!nets.isEmpty() || !r.ports().isEmpty()) {
                    throw EngineException.invalidArgument("network mode " + mode + " takes no networks and no "
                            + "published ports");
                }
            }
            default -> {
                if (mode.startsWith("container:")) {
                    if (!r.ports().isEmpty()) {
                        throw EngineException.invalidArgument("a container sharing another's network cannot publish "
                                + "ports");
                    }
                    mode = "container:" + runtime.lookupContainer(mode.substring("container:".length())).id();
                } else {
                    nets.add(0, mode); // a network's name as the mode (docker --network NAME)
                    mode = "bridge";
                }
            }
        }
        if (mode.equals("bridge")) {
            if (nets.isEmpty()) {
                nets.add(networks.defaultNetwork());
            }
            List<String> names = new ArrayList<>();
            for (String n : nets) {
                String name = networks.inspect(n).name();
                if (!names.contains(name)) {
                    names.add(name);
                }
            }
            nets = names;
        }
        List<PortMapping> ports = new ArrayList<>();
        for (PortMapping p : r.ports()) {
            ports.add(p.hostPort() == 0 ? new PortMapping(p.hostIp(), freePort(p.hostIp()), p.containerPort(),
                    p.protocol()) : p);
        }
        return new ResolvedNetwork(mode, nets, ports);
    }

    /** A host port nobody listens on now, for {@code -p 80} without a host port. */
    private static int freePort(String hostIp) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(
                hostIp.isEmpty() ? "0.0.0.0" : hostIp))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw EngineException.invalidArgument("cannot find a free port on " + hostIp + ": " + e.getMessage());
        }
    }

    /**
     * Sets up the container's network before its process exists: a namespace of its own wired by
     * CNI (bridge, none), the host's (host), or another container's.
     */
    private Map<String, String> networkNamespaces(StoredContainer c) {
        RunConfig run = c.config().run();
        String mode = run.networkMode();
        if (mode.equals("pod")) {
            return Map.of(); // joined with the pod's other namespaces
        }
        if (mode.equals("host")) {
            return Map.of("network", "host");
        }
        if (mode.startsWith("container:")) {
            StoredContainer other = runtime.state().container(mode.substring("container:".length()));
            if (other.state().status() != ContainerStatus.RUNNING) {
                throw EngineException.invalidState("container " + other.id() + ", whose network " + c.id()
                        + " shares, is not running");
            }
            return Map.of("network", "/proc/" + other.state().pid() + "/ns/net");
        }
        NetworkService.Attachment a = networks.attach(c.id(), mode.equals("bridge") ? run.networks() : List.of(),
                run.ports());
        runtime.state().saveContainerState(c.id(), runtime.state().container(c.id()).state()
                .withNetwork(a.netns().toString(), a.results()));
        return Map.of("network", a.netns().toString());
    }

    /** Tears down what {@link #networkNamespaces} set up; the state is the caller's to save. */
    private ContainerState releaseNetwork(StoredContainer c, ContainerState st) {
        if (st.netNs().isEmpty()) {
            return st;
        }
        networks.detach(c.id(), new NetworkService.Attachment(Path.of(st.netNs()), st.networkStatus()),
                c.config().run() == null ? List.of() : c.config().run().ports());
        return st.withNetwork("", Map.of());
    }

    /** Mounts with their volumes resolved, and the volumes made for them (undone if the create fails). */
    private record PreparedMounts(List<Mount> mounts, List<String> createdVolumes) {}

    /**
     * Checks every requested mount first, then resolves the volumes: named ones are created when
     * missing, an empty name and every image {@code VOLUME} not covered by a mount get an anonymous
     * one. Nothing is left behind when a check or a creation fails.
     */
    private PreparedMounts prepareMounts(List<Mount> requested, List<String> imageVolumes) {
        List<Mount> checked = new ArrayList<>();
        java.util.Set<String> destinations = new java.util.HashSet<>();
        for (Mount m : requested) {
            String dest = normalizeDestination(m.destination());
            if (!destinations.add(dest)) {
                throw EngineException.invalidArgument("duplicate mount destination " + dest);
            }
            for (String o : m.options()) {
                if (!MOUNT_OPTION.matcher(o).matches()) {
                    throw EngineException.invalidArgument("invalid mount option \"" + o + "\" for " + dest);
                }
            }
            switch (m.type()) {
                case "bind" -> {
                    Path src = Path.of(m.source());
                    if (!src.isAbsolute()) {
                        throw EngineException.invalidArgument("bind mount source must be an absolute path: \""
                                + m.source() + "\"");
                    }
                    if (!Files.exists(src)) {
                        throw EngineException.invalidArgument("bind mount source path does not exist: " + m.source());
                    }
                    checked.add(new Mount("bind", src.normalize().toString(), dest, m.options()));
                }
                case "volume" -> {
                    if (!m.source().isEmpty()) {
                        VolumeService.validateName(m.source());
                    }
                    checked.add(new Mount("volume", m.source(), dest, m.options()));
                }
                case "tmpfs" -> checked.add(new Mount("tmpfs", "tmpfs", dest, m.options()));
                default -> throw EngineException.invalidArgument("mount type \"" + m.type()
                        + "\" is not supported: use bind, volume or tmpfs");
            }
        }
        for (String path : imageVolumes) {
            String dest = normalizeDestination(path);
            if (destinations.add(dest)) {
                checked.add(new Mount("volume", "", dest, List.of()));
            }
        }
        List<Mount> out = new ArrayList<>();
        List<String> created = new ArrayList<>();
        try {
            for (Mount m : checked) {
                if (!m.type().equals("volume")) {
                    out.add(m);
                    continue;
                }
                String name = m.source();
                if (name.isEmpty()) {
                    name = volumes.create(null, "local", Map.of(), Map.of(), true).name();
                    created.add(name);
                } else if (!volumes.exists(name)) {
                    try {
                        volumes.create(name, "local", Map.of(), Map.of(), false);
                        created.add(name);
                    } catch (EngineException e) {
                        if (e.category() != EngineException.Category.ALREADY_EXISTS) {
                            throw e; // else made meanwhile by another create: used as it is
                        }
                    }
                }
                out.add(new Mount("volume", name, m.destination(), m.options()));
            }
        } catch (RuntimeException e) {
            deleteVolumes(created);
            throw e;
        }
        return new PreparedMounts(out, created);
    }

    private void deleteVolumes(List<String> names) {
        for (String n : names) {
            try {
                volumes.delete(n);
            } catch (RuntimeException e) {
                LOG.debug("volume " + n + ": " + e.getMessage());
            }
        }
    }

    private static final java.util.regex.Pattern MOUNT_OPTION = java.util.regex.Pattern.compile(
            "ro|rw|z|Z|U|r?shared|r?slave|r?private|r?bind|nosuid|suid|nodev|dev|noexec|exec|nocopy|copy"
                    + "|tmpcopyup|notmpcopyup|relatime|norelatime|strictatime|(size|mode|uid|gid)=[0-9a-zA-Z]+");

    private static String normalizeDestination(String dest) {
        if (dest == null || !dest.startsWith("/")) {
            throw EngineException.invalidArgument("mount destination must be an absolute path: \"" + dest + "\"");
        }
        String d = Path.of(dest).normalize().toString();
        if (d.equals("/")) {
            throw EngineException.invalidArgument("a mount cannot replace the root filesystem \"/\"");
        }
        return d;
    }

    private void removeAnonymousVolumes(List<Mount> mounts) {
        for (Mount m : mounts) {
            if (m.type().equals("volume")) {
                try {
                    if (volumes.inspect(m.source()).anonymous()) {
                        volumes.delete(m.source());
                    }
                } catch (RuntimeException e) {
                    LOG.debug("anonymous volume " + m.source() + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * The namespaces a pod member joins: its infra container's, for each namespace the pod shares
     * (podman's names: net, ipc, uts, pid, cgroup).
     */
    private Map<String, String> podNamespaces(StoredContainer c) {
        if (c.config().podId() == null || c.config().infra()) {
            return Map.of();
        }
        StoredPod pod = runtime.state().pod(c.config().podId());
        String infraId = pod.state().infraContainerId();
        if (infraId == null || infraId.isEmpty()) {
            return Map.of();
        }
        StoredContainer infra = runtime.state().container(infraId);
        if (infra.state().status() != ContainerStatus.RUNNING || infra.state().pid() <= 0) {
            throw EngineException.invalidState("the infra container of pod " + pod.name() + " is not running");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String ns : pod.config().sharedNamespaces()) {
            String type = ns.equals("net") ? "network" : ns;
            out.put(type, "/proc/" + infra.state().pid() + "/ns/" + ns);
        }
        return out;
    }

    /** The infra container of the container's pod, when it has one and is not it. */
    private String infraOf(StoredContainer c) {
        if (c.config().podId() == null || c.config().infra()) {
            return null;
        }
        String infraId = runtime.state().pod(c.config().podId()).state().infraContainerId();
        return infraId == null || infraId.isEmpty() ? null : infraId;
    }

    /** Where a mount's content lives on the host: the bind source, or the volume's data directory. */
    public String hostSource(Mount m) {
        if (!m.type().equals("volume")) {
            return m.source();
        }
        try {
            return volumes.inspect(m.source()).mountPoint();
        } catch (NoSuchObjectException gone) {
            return "";
        }
    }

    /** The OCI mounts of a container's mounts; empty volumes get the image's content there once. */
    private List<SpecOptions.Mount> specMounts(List<Mount> mounts, Path rootfs) {
        List<SpecOptions.Mount> out = new ArrayList<>();
        for (Mount m : mounts) {
            List<String> opts = new ArrayList<>();
            boolean ro = m.options().contains("ro");
            switch (m.type()) {
                case "tmpfs" -> {
                    opts.addAll(List.of(ro ? "ro" : "rw", "nosuid", "nodev"));
                    m.options().stream().filter(o -> o.startsWith("size=") || o.startsWith("mode=")
                            || o.equals("noexec")).forEach(opts::add);
                    out.add(new SpecOptions.Mount(m.destination(), "tmpfs", "tmpfs", opts));
                }
                case "bind", "volume" -> {
                    String source = m.source();
                    if (m.type().equals("volume")) {
                        var v = volumes.inspect(m.source());
                        source = v.mountPoint();
                        if (!m.options().contains("nocopy")) {
                            copyUp(v, rootfs.resolve(m.destination().substring(1)));
                        }
                    }
                    opts.add("rbind");
                    opts.add(ro ? "ro" : "rw");
                    String propagation = m.options().stream().filter(o -> o.matches("r?(shared|slave|private)"))
                            .findFirst().orElse("rprivate");
                    opts.add(propagation);
                    m.options().stream().filter(o -> o.matches("no(suid|dev|exec)")).forEach(opts::add);
                    out.add(new SpecOptions.Mount(m.destination(), "bind", source, opts));
                }
                default -> throw EngineException.internal("unknown stored mount type " + m.type(), null);
            }
        }
        return out;
    }

    /** Copies the image's files at the mount point into a volume's first use, as podman and Docker do. */
    private void copyUp(io.jpod.state.VolumeConfig v, Path imageDir) {
        Path marker = volumes.copyUpMarker(v);
        Path data = volumes.dataDir(v);
        try {
            if (Files.exists(marker)) {
                return;
            }
            boolean empty;
            try (var entries = Files.list(data)) {
                empty = entries.findAny().isEmpty();
            }
            if (empty && Files.isDirectory(imageDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                ProcessRunner.Result r = ProcessRunner.run(List.of("cp", "-a", imageDir + "/.", data.toString()),
                        Duration.ofMinutes(10));
                if (!r.ok()) {
                    throw EngineException.internal("copying " + imageDir + " into volume " + v.name() + ": "
                            + r.stderr().strip(), null);
                }
                var nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
                // the volume's root takes the mode and owner of the image's directory
                PosixFiles.setMode(data, (int) Files.getAttribute(imageDir, "unix:mode", nofollow));
                PosixFiles.setOwner(data, (int) Files.getAttribute(imageDir, "unix:uid", nofollow),
                        (int) Files.getAttribute(imageDir, "unix:gid", nofollow));
            }
            Files.createFile(marker);
        } catch (IOException e) {
            throw EngineException.internal("preparing volume " + v.name() + ": " + e.getMessage(), e);
        }
    }

    // ---- start -----------------------------------------------------------------------------

    /** Starts a container; {@code NOT_MODIFIED} when it is already running. */
    public StoredContainer start(String nameOrId) {
        return observer.time("start", () -> startNow(nameOrId));
    }

    private StoredContainer startNow(String nameOrId) {
        OciRuntime oci = runtime.requireOciRuntime();
        StoredContainer c = runtime.lookupContainer(nameOrId);
        String infra = infraOf(c);
        if (infra != null) {
            // a pod member joins its infra container's namespaces: that one runs first
            try {
                start(infra);
            } catch (EngineException e) {
                if (e.category() != EngineException.Category.NOT_MODIFIED) {
                    throw e;
                }
            }
        }
        try {
            StoredContainer started = locked(c, () -> startLocked(oci, c.id()));
            event("start", started);
            return started;
        } catch (EngineException e) {
            if (e.category() == EngineException.Category.NOT_MODIFIED
                    || e.category() == EngineException.Category.INVALID_STATE) {
                throw e;
            }
            // the process never ran: waiters (docker run's wait and attach) get the error's exit code,
            // and an auto-remove container goes away, as Docker does
            int code = startFailureCode(e.getMessage());
            recentExits.put(c.id(), code);
            exits.failed(c.id(), code);
            if (c.config().run() != null && c.config().run().autoRemove()) {
                try {
                    remove(c.id(), true);
                } catch (RuntimeException removeFailed) {
                    LOG.warn("auto-removing " + c.id() + " after a failed start: " + removeFailed.getMessage());
                }
            }
            throw e;
        }
    }

    /** Docker's codes for a process that could not be started: 127 not found, 126 not executable. */
    static int startFailureCode(String message) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("no such file or directory") || m.contains("not found")) {
            return 127;
        }
        return m.contains("permission denied") ? 126 : 125;
    }

    private StoredContainer startLocked(OciRuntime oci, String id) {
        StoredContainer cur = sync(id);
        ContainerStatus s = cur.state().status();
        switch (s) {
            case RUNNING -> throw new EngineException(EngineException.Category.NOT_MODIFIED,
                    "container " + cur.id() + " is already running");
            case PAUSED -> throw EngineException.invalidState("cannot start paused container " + cur.id());
            case REMOVING -> throw EngineException.invalidState("cannot start container " + cur.id()
                    + " as it is being removed");
            case STOPPED, STOPPING -> cleanupLocked(cur);
            default -> { }
        }
        cur = runtime.state().container(cur.id());
        if (cur.state().status() != ContainerStatus.CREATED) {
            cur = init(cur);
        }
        List<Consumer<Path>> hooks = beforeStart.remove(cur.id());
        if (hooks != null) {
            Path socket = attachSocket(cur.id());
            for (Consumer<Path> hook : hooks) {
                try {
                    hook.accept(socket);
                } catch (RuntimeException e) {
                    LOG.warn("attaching to " + cur.id() + " before its start failed: " + e.getMessage());
                }
            }
        }
        try {
            oci.start(cur.id());
        } catch (RuntimeException e) {
            cleanupLocked(runtime.state().container(cur.id()));
            throw e;
        }
        ContainerState st = cur.state().withStatus(ContainerStatus.RUNNING)
                .withProcess(cur.state().pid(), cur.state().conmonPid(), Instant.now());
        runtime.state().saveContainerState(cur.id(), st);
        return new StoredContainer(cur.config(), st);
    }

    /** OCI create through conmon: rootfs mounted, spec written, state Created. */
    private StoredContainer init(StoredContainer c) {
        if (seccompError != null) {
            throw EngineException.invalidArgument(seccompError);
        }
        Layout l = layout(c.id());
        RunConfig run = c.config().run();
        Image image = images.lookup(c.config().rootfsImageId());
        mountRootfs(l, images.layerDirs(image));
        try {
            Files.deleteIfExists(exitFile(c.id()));
            Users.Resolved user = Users.resolve(l.merged(), run.user());
            List<String> env = new ArrayList<>(run.env());
            if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
                env.add("HOME=" + user.home());
            }
            writeEtcFiles(l, run.hostname());
            var rl = HostLimits.read();
            Map<String, String> joined = joined(c);
            c = runtime.state().container(c.id()); // the network set-up saved its namespace
            SpecOptions opts = new SpecOptions(c.id(), run.hostname(), run.args(), env, run.workingDir(), user.uid(),
                    user.gid(), user.additionalGids(), run.tty(), l.merged(), cgroupsPath(c.id()), 2048,
                    rl.nofile(), rl.nproc(), List.of(new SpecOptions.EtcFile(l.userdata().resolve("hosts"), "/etc/hosts"),
                            new SpecOptions.EtcFile(l.userdata().resolve("hostname"), "/etc/hostname"),
                            new SpecOptions.EtcFile(l.userdata().resolve("resolv.conf"), "/etc/resolv.conf")),
                    Cgroups.version(Path.of("/sys/fs/cgroup")).equals("v2"),
                    seccompSpec, specMounts(run.mounts(), l.merged()), joined);
            Files.write(l.userdata().resolve("config.json"), json.writeValueAsBytes(specs.generate(opts)));
            var config = runtime.config();
            ConmonLauncher launcher = launcher();
            ConmonLauncher.Created created = launcher.create(new ConmonLauncher.Request(c.id(), c.name(), l.userdata(),
                    Path.of(config.tmpDir(), "persist", c.id()), l.userdata().resolve("ctr.log"), config.maxLogSize(),
                    config.noPivotRoot(), run.tty(), run.stdin()));
            ContainerState st = c.state().initialized(created.pid(), created.conmonPid(), l.merged().toString(),
                    l.userdata().toString());
            runtime.state().saveContainerState(c.id(), st);
            return new StoredContainer(c.config(), st);
        } catch (IOException | RuntimeException e) {
            PosixFiles.unmount(l.merged());
            try {
                StoredContainer now = runtime.state().container(c.id());
                runtime.state().saveContainerState(c.id(), releaseNetwork(now, now.state()));
            } catch (RuntimeException cleanup) {
                LOG.warn("tearing down the network of " + c.id() + ": " + cleanup.getMessage());
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw EngineException.internal("preparing " + c.id() + ": " + e.getMessage(), e);
        }
    }

    /** Every namespace the container joins instead of making its own. */
    private Map<String, String> joined(StoredContainer c) {
        Map<String, String> out = new LinkedHashMap<>(podNamespaces(c));
        if (!out.containsKey("network")) {
            out.putAll(networkNamespaces(c));
        }
        return out;
    }

    /** conmon as this runtime drives it. */
    ConmonLauncher launcher() {
        return new ConmonLauncher(runtime.conmonDiscovery().path(), runtime.ociRuntimeDiscovery().path(),
                runtime.ociRuntimeRoot(), Path.of(runtime.config().tmpDir(), "exits"), runtime.childEnvironment(),
                Duration.ofSeconds(240));
    }

    /** The runtime this service drives (exec sessions use its state). */
    LibpodRuntime runtime() {
        return runtime;
    }

    private String cgroupsPath(String id) {
        return "systemd".equals(runtime.config().cgroupManager()) ? "machine.slice:jpod:" + id : "/jpod_parent/jpod-" + id;
    }

    private static void writeEtcFiles(Layout l, String hostname) throws IOException {
        Files.writeString(l.userdata().resolve("hostname"), hostname + "\n");
        Files.writeString(l.userdata().resolve("hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\t"
                + hostname + "\n");
        Path host = Path.of("/etc/resolv.conf");
        Files.writeString(l.userdata().resolve("resolv.conf"), Files.isReadable(host) ? Files.readString(host) : "");
    }

    private void mountRootfs(Layout l, List<Path> layers) {
        try {
            Files.createDirectories(l.diff());
            Files.createDirectories(l.work());
            Files.createDirectories(l.merged());
        } catch (IOException e) {
            throw EngineException.internal("creating rootfs directories: " + e.getMessage(), e);
        }
        if ("vfs".equals(runtime.config().storage().driver())) {
            VfsRootfs.populate(l.merged(), layers);
            return;
        }
        if (!"overlay".equals(runtime.config().storage().driver())) {
            throw EngineException.invalidArgument("graph driver \"" + runtime.config().storage().driver()
                    + "\" is not supported: use overlay or vfs");
        }
        PosixFiles.unmount(l.merged());
        List<String> lower = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            lower.add(layers.get(i).toString()); // overlayfs lists the top layer first
        }
        PosixFiles.mount("overlay", l.merged(), "overlay", "lowerdir=" + String.join(":", lower) + ",upperdir="
                + l.diff() + ",workdir=" + l.work());
    }

    // ---- stop / kill / wait ----------------------------------------------------------------

    /** Stops a running container: its stop signal, then SIGKILL after {@code timeout}; {@code NOT_MODIFIED} if not running. */
    public StoredContainer stop(String nameOrId, Integer timeoutSeconds) {
        return observer.time("stop", () -> stopNow(nameOrId, timeoutSeconds));
    }

    private StoredContainer stopNow(String nameOrId, Integer timeoutSeconds) {
        OciRuntime oci = runtime.requireOciRuntime();
        StoredContainer c = runtime.lookupContainer(nameOrId);
        int timeout = timeoutSeconds != null ? timeoutSeconds : c.config().run() != null
                ? c.config().run().stopTimeout() : 10;
        CompletableFuture<Integer> exited = exits.whenExited(c.id());
        boolean signalled = locked(c, () -> {
            StoredContainer cur = sync(c.id());
            ContainerStatus s = cur.state().status();
            if (s != ContainerStatus.RUNNING && s != ContainerStatus.CREATED && s != ContainerStatus.PAUSED
                    && s != ContainerStatus.STOPPING) {
                return false;
            }
            runtime.state().saveContainerState(cur.id(), cur.state().stoppingByUser());
            if (s == ContainerStatus.PAUSED) {
                // a frozen process cannot act on a signal: thaw it right after queueing SIGKILL
                oci.kill(cur.id(), "KILL");
                oci.resume(cur.id());
            } else if (timeout == 0) {
                oci.kill(cur.id(), "KILL");
            } else {
                oci.kill(cur.id(), Integer.toString(cur.config().run() != null ? cur.config().run().stopSignal() : 15));
            }
            return true;
        });
        if (!signalled) {
            exits.forget(c.id());
            throw new EngineException(EngineException.Category.NOT_MODIFIED, "container " + c.id()
                    + " is not running");
        }
        // the lock is released while the process dies
        if (!await(exited, Duration.ofSeconds(timeout))) {
            LOG.warn("StopSignal failed to stop container " + c.name() + " in " + timeout
                    + " seconds, resorting to SIGKILL");
            try {
                oci.kill(c.id(), "KILL");
            } catch (RuntimeException e) {
                LOG.debug("SIGKILL after timeout: " + e.getMessage());
            }
            await(exited, KILL_WAIT);
        }
        StoredContainer stopped = locked(c, () -> {
            StoredContainer cur = sync(c.id());
            cleanupLocked(cur);
            return runtime.state().container(c.id());
        });
        event("stop", stopped);
        return stopped;
    }

    /** Sends a signal to a running container. */
    public void kill(String nameOrId, String signal) {
        OciRuntime oci = runtime.requireOciRuntime();
        int sig = Signals.parse(signal == null || signal.isEmpty() ? "KILL" : signal);
        StoredContainer c = runtime.lookupContainer(nameOrId);
        locked(c, () -> {
            StoredContainer cur = sync(c.id());
            ContainerStatus s = cur.state().status();
            if (s != ContainerStatus.RUNNING && s != ContainerStatus.PAUSED && s != ContainerStatus.STOPPING) {
                throw EngineException.invalidState("can only kill running containers. " + cur.id() + " is in state "
                        + s.display() + ": container state improper");
            }
            oci.kill(cur.id(), Integer.toString(sig));
            return null;
        });
        event("kill", c, "signal", Integer.toString(sig));
    }

    /** Blocks until the container is not running, then returns its exit code. */
    public int waitForExit(String nameOrId, Duration timeout) {
        StoredContainer c = runtime.lookupContainer(nameOrId);
        CompletableFuture<Integer> exited = exits.whenExited(c.id());
        StoredContainer cur = locked(c, () -> sync(c.id()));
        ContainerStatus s = cur.state().status();
        if (s != ContainerStatus.RUNNING && s != ContainerStatus.PAUSED && s != ContainerStatus.STOPPING
                && s != ContainerStatus.CREATED) {
            exits.forget(c.id());
            return cur.state().exitCode();
        }
        if (!await(exited, timeout)) {
            throw new EngineException(EngineException.Category.UNAVAILABLE, "container " + c.id()
                    + " did not exit within " + timeout.toSeconds() + "s");
        }
        // the exit handler has run the cleanup by now
        return runtime.state().container(c.id()).state().exitCode();
    }

    /**
     * Completes with the exit code of the container's next exit, whatever its state now (Docker's
     * {@code next-exit} wait, registered before a start).
     */
    public CompletableFuture<Integer> nextExit(String nameOrId) {
        return exits.whenExited(runtime.lookupContainer(nameOrId).id(), true);
    }

    /**
     * Completes with the exit code once the container is not running: at once when it is not,
     * and also for a container already removed after its exit ({@code run --rm}), whose code is
     * remembered a while. podman's client waits this way after it has started the container.
     */
    public CompletableFuture<Integer> whenNotRunning(String nameOrId) {
        StoredContainer c;
        try {
            c = runtime.lookupContainer(nameOrId);
        } catch (NoSuchObjectException e) {
            Integer recent = recentExits.get(nameOrId);
            if (recent != null) {
                return CompletableFuture.completedFuture(recent);
            }
            throw e;
        }
        // registered before the check, so an exit in between is not missed
        CompletableFuture<Integer> next = exits.whenExited(c.id(), true);
        try {
            if (!isActive(c.id())) {
                return CompletableFuture.completedFuture(lastExitCode(c.id()));
            }
        } catch (NoSuchObjectException removedMeanwhile) {
            return CompletableFuture.completedFuture(lastExitCode(c.id()));
        }
        return next.thenApply(code -> lastExitCode(c.id()));
    }

    /** Completes when the container has been removed (Docker's {@code removed} wait). */
    public CompletableFuture<Void> whenRemoved(String nameOrId) {
        String id = runtime.lookupContainer(nameOrId).id();
        return removals.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** The exit code recorded for the container's last run (after its exit was handled). */
    public int lastExitCode(String id) {
        var code = exits.exitCode(id);
        try {
            StoredContainer c = runtime.state().container(id);
            return c.state().exited() ? c.state().exitCode() : code.orElse(c.state().exitCode());
        } catch (EngineException removed) {
            Integer recent = recentExits.get(id);
            return recent != null ? recent : code.orElse(-1);
        }
    }

    /** Whether the container's process is (or is about to be) running. */
    public boolean isActive(String nameOrId) {
        ContainerStatus s = inspect(nameOrId).state().status();
        return s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED || s == ContainerStatus.STOPPING
                || s == ContainerStatus.CREATED;
    }

    private static boolean await(CompletableFuture<Integer> f, Duration timeout) {
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | CancellationException e) {
            return true;
        }
    }

    /** Stops the container if it runs (as {@link #stop}) and starts it again. */
    public StoredContainer restart(String nameOrId, Integer timeoutSeconds) {
        try {
            stop(nameOrId, timeoutSeconds);
        } catch (EngineException e) {
            if (e.category() != EngineException.Category.NOT_MODIFIED) {
                throw e;
            }
        }
        return start(nameOrId);
    }

    // ---- attach ----------------------------------------------------------------------------

    /** conmon's attach socket of the container (it exists while conmon runs). */
    public Path attachSocket(String nameOrId) {
        return layout(runtime.lookupContainer(nameOrId).id()).userdata().resolve("attach");
    }

    /**
     * Runs {@code connect} with the attach socket's path at the container's next start, after
     * conmon has created it and before its process runs, so an attached client misses no output
     * and can feed stdin from the first byte.
     */
    public void onNextStart(String nameOrId, Consumer<Path> connect) {
        String id = runtime.lookupContainer(nameOrId).id();
        beforeStart.computeIfAbsent(id, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(connect);
    }

    /** Sets the terminal size of a running container that has one. */
    public void resize(String nameOrId, int height, int width) {
        StoredContainer c = inspect(nameOrId);
        if (height <= 0 || width <= 0) {
            throw EngineException.invalidArgument("terminal height and width must be positive");
        }
        if (c.config().run() == null || !c.config().run().tty()) {
            throw EngineException.invalidState("container " + c.id() + " has no terminal");
        }
        if (!isActive(c.id())) {
            throw EngineException.invalidState("container " + c.id() + " is not running");
        }
        try {
            io.jpod.oci.AttachSocket.resize(layout(c.id()).userdata().resolve("ctl"), height, width);
        } catch (IOException e) {
            throw EngineException.internal("resizing the terminal of " + c.id() + ": " + e.getMessage(), e);
        }
    }

    /** Freezes a running container's processes. */
    public void pause(String nameOrId) {
        OciRuntime oci = runtime.requireOciRuntime();
        StoredContainer c = runtime.lookupContainer(nameOrId);
        locked(c, () -> {
            StoredContainer cur = sync(c.id());
            if (cur.state().status() == ContainerStatus.PAUSED) {
                throw EngineException.invalidState("container " + cur.id() + " is already paused");
            }
            if (cur.state().status() != ContainerStatus.RUNNING) {
                throw EngineException.invalidState("container " + cur.id() + " is not running, it is "
                        + cur.state().status().display());
            }
            oci.pause(cur.id());
            runtime.state().saveContainerState(cur.id(), cur.state().withStatus(ContainerStatus.PAUSED));
            return null;
        });
        event("pause", c);
    }

    /** Thaws a paused container. */
    public void unpause(String nameOrId) {
        OciRuntime oci = runtime.requireOciRuntime();
        StoredContainer c = runtime.lookupContainer(nameOrId);
        locked(c, () -> {
            StoredContainer cur = sync(c.id());
            if (cur.state().status() != ContainerStatus.PAUSED) {
                throw EngineException.invalidState("container " + cur.id() + " is not paused");
            }
            oci.resume(cur.id());
            runtime.state().saveContainerState(cur.id(), cur.state().withStatus(ContainerStatus.RUNNING));
            return null;
        });
        event("unpause", c);
    }

    /** Renames a container; the new name is validated and must be free. */
    public void rename(String nameOrId, String newName) {
        Names.validate(newName);
        StoredContainer c = runtime.lookupContainer(nameOrId);
        locked(c, () -> {
            runtime.state().renameContainer(c.id(), newName);
            return null;
        });
        event("rename", runtime.state().container(c.id()), "oldName", c.name());
    }

    /** Removes every container that is not running; returns their IDs. */
    public List<String> prune() {
        List<String> removed = new ArrayList<>();
        for (StoredContainer c : list()) {
            ContainerStatus s = c.state().status();
            if (s == ContainerStatus.EXITED || s == ContainerStatus.STOPPED || s == ContainerStatus.CONFIGURED) {
                try {
                    remove(c.id(), false);
                    removed.add(c.id());
                } catch (EngineException e) {
                    LOG.debug("prune skipped " + c.id() + ": " + e.getMessage());
                }
            }
        }
        return removed;
    }

    /** The processes of a running container, as {@code ps} shows them on the host. */
    public List<List<String>> top(String nameOrId, List<String> psArgs) {
        StoredContainer c = inspect(nameOrId);
        if (c.state().status() != ContainerStatus.RUNNING && c.state().status() != ContainerStatus.PAUSED) {
            throw EngineException.invalidState("container " + c.id() + " is not running");
        }
        try {
            List<String> pids = runtime.requireOciRuntime().processes(c.id()).stream().map(String::valueOf).toList();
            List<String> argv = new ArrayList<>(List.of("ps"));
            argv.addAll(psArgs.isEmpty() ? List.of("-o", "user,pid,ppid,stime,time,args") : psArgs);
            argv.addAll(List.of("-p", String.join(",", pids)));
            var ps = ProcessRunner.run(argv, Duration.ofSeconds(10));
            List<List<String>> rows = new ArrayList<>();
            for (String line : ps.stdout().strip().split("\n")) {
                rows.add(List.of(line.trim().split("\\s+", psArgs.isEmpty() ? 6 : 64)));
            }
            return rows;
        } catch (IOException e) {
            throw EngineException.internal("listing processes of " + c.id() + ": " + e.getMessage(), e);
        }
    }

    // ---- remove ----------------------------------------------------------------------------

    /** Removes a container; a running one needs {@code force} (then it is killed first). */
    public void remove(String nameOrId, boolean force) {
        remove(nameOrId, force, false);
    }

    /**
     * Removes a container; a running one needs {@code force} (then it is killed first). With
     * {@code anonymousVolumes}, its anonymous volumes go too ({@code rm -v}, {@code run --rm}).
     */
    public void remove(String nameOrId, boolean force, boolean anonymousVolumes) {
        StoredContainer c = runtime.lookupContainer(nameOrId);
        if (c.config().infra() && c.config().podId() != null) {
            throw EngineException.invalidState("container " + c.id() + " is the infra container of pod "
                    + c.config().podId() + " and cannot be removed without removing the pod");
        }
        observer.time("remove", () -> {
            removeAny(c, force, anonymousVolumes);
            return null;
        });
    }

    /** Removes a pod's infra container; only the pod's removal does this. */
    public void removeInfra(String id) {
        removeAny(runtime.lookupContainer(id), true, true);
    }

    private void removeAny(StoredContainer c, boolean force, boolean anonymousVolumes) {
        beforeStart.remove(c.id());
        ContainerStatus s = locked(c, () -> sync(c.id()).state().status());
        if (s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED || s == ContainerStatus.STOPPING) {
            if (!force) {
                throw EngineException.invalidState("cannot remove container " + c.id() + " as it is " + s.display()
                        + " - running or paused containers cannot be removed without force");
            }
            stop(c.id(), 0);
        }
        locked(c, () -> {
            StoredContainer cur = sync(c.id());
            cleanupLocked(cur);
            return null;
        });
        exits.removed(c.id(), recentExits.get(c.id()));
        runtime.removeContainer(c.id());
        PosixFiles.unmount(layout(c.id()).merged());
        Trees.delete(layout(c.id()).base());
        CompletableFuture<Void> removed = removals.remove(c.id());
        if (removed != null) {
            removed.complete(null);
        }
        try {
            Files.deleteIfExists(exitFile(c.id()));
        } catch (IOException ignored) {
            // a stale exit file is overwritten by the next container of that ID, which never comes
        }
        if (anonymousVolumes && c.config().run() != null) {
            removeAnonymousVolumes(c.config().run().mounts());
        }
        event("remove", c);
    }

    // ---- exit handling and sync ------------------------------------------------------------

    /** Called by the watcher when conmon records an exit: record it and clean up at once. */
    private void exited(String id) {
        StoredContainer c;
        try {
            c = runtime.state().container(id);
        } catch (EngineException gone) {
            return;
        }
        locked(c, () -> sync(id));
        StoredContainer after = runtime.state().container(id);
        if (after.config().run() != null && after.config().run().autoRemove()) {
            try {
                remove(id, false, true); // --rm takes the anonymous volumes too, as Docker does
            } catch (RuntimeException e) {
                LOG.warn("auto-removing " + id + ": " + e.getMessage());
            }
        } else if (RestartPolicy.parse(after.config().run() == null ? "" : after.config().run().restartPolicy())
                .shouldRestart(after.state())) {
            scheduleRestart(after);
        }
    }

    /** Restarts after a back-off that doubles with every restart (100 ms up to 10 s), as Docker does. */
    private void scheduleRestart(StoredContainer c) {
        int count = c.state().restartCount();
        long delay = Math.min(10_000L, 100L << Math.min(count, 7));
        restarts.schedule(() -> {
            try {
                StoredContainer cur = runtime.state().container(c.id());
                if (cur.state().status() != ContainerStatus.EXITED || cur.state().stoppedByUser()) {
                    return; // stopped, removed or started by someone else meanwhile
                }
                runtime.state().saveContainerState(c.id(), cur.state().restarting());
                start(c.id());
            } catch (RuntimeException e) {
                LOG.warn("restarting " + c.id() + ": " + e.getMessage());
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Reloads state and applies a recorded exit (libpod's syncContainer), then cleans up, so the
     * container ends Exited. Caller holds the lock.
     */
    private StoredContainer sync(String id) {
        StoredContainer c = runtime.state().container(id);
        ContainerStatus s = c.state().status();
        if (s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED || s == ContainerStatus.STOPPING
                || s == ContainerStatus.CREATED) {
            var code = exits.exitCode(id);
            boolean conmonGone = c.state().conmonPid() > 0
                    && !ProcessHandle.of(c.state().conmonPid()).map(ProcessHandle::isAlive).orElse(false);
            if (code.isPresent() || conmonGone) {
                ContainerState stopped = c.state().stopped(code.orElse(-1), finishedAt(id),
                        Files.exists(Path.of(runtime.config().tmpDir(), "persist", id, "oom")),
                        code.isPresent() ? c.state().error() : "conmon died without writing exit file, container "
                                + "exit code could not be retrieved");
                runtime.state().saveContainerState(id, stopped);
                recentExits.put(id, stopped.exitCode());
                event("die", c, "exitCode", Integer.toString(stopped.exitCode()));
                // whoever notices the exit first also cleans up, so a caller never sees a half-finished stop
                cleanupLocked(new StoredContainer(c.config(), stopped));
                return runtime.state().container(id);
            }
        }
        return c;
    }

    private Instant finishedAt(String id) {
        try {
            return Files.getLastModifiedTime(exitFile(id)).toInstant();
        } catch (IOException e) {
            return Instant.now();
        }
    }

    /** Deletes the container from the OCI runtime and unmounts its rootfs: Stopped → Exited, Created → Configured. */
    private void cleanupLocked(StoredContainer c) {
        ContainerStatus s = c.state().status();
        if (s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED) {
            throw EngineException.invalidState("container " + c.id() + " is running or paused, refusing to clean up");
        }
        if (s == ContainerStatus.CONFIGURED || s == ContainerStatus.EXITED) {
            return;
        }
        try {
            runtime.requireOciRuntime().delete(c.id());
        } catch (RuntimeException e) {
            LOG.warn("deleting " + c.id() + " from the OCI runtime: " + e.getMessage());
        }
        PosixFiles.unmount(layout(c.id()).merged());
        ContainerState st = c.state();
        try {
            st = releaseNetwork(c, st);
        } catch (RuntimeException e) {
            LOG.warn("tearing down the network of " + c.id() + ": " + e.getMessage());
        }
        ContainerStatus next = s == ContainerStatus.CREATED ? ContainerStatus.CONFIGURED : ContainerStatus.EXITED;
        runtime.state().saveContainerState(c.id(), st.cleanedUp(next));
    }

    /**
     * At start-up: containers that exited while the daemon was away get their exit code and are
     * cleaned up; running ones keep running and are watched again.
     */
    private void reconcile() {
        for (StoredContainer c : runtime.state().allContainers()) {
            try {
                exited(c.id());
            } catch (RuntimeException e) {
                LOG.warn("reconciling container " + c.id() + ": " + e.getMessage());
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    // ---- network connect / disconnect --------------------------------------------------------

    /**
     * Adds a network to a bridge-mode container; a running one joins it at once on its next free
     * interface, a stopped one at its next start.
     */
    public void connect(String nameOrId, String network) {
        StoredContainer c = runtime.lookupContainer(nameOrId);
        String name = networks.inspect(network).name();
        locked(c, () -> {
            StoredContainer cur = sync(c.id());
            RunConfig run = cur.config().run();
            if (run == null || !run.networkMode().equals("bridge")) {
                throw EngineException.invalidArgument("container " + cur.id() + " uses network mode "
                        + (run == null ? "none" : run.networkMode()) + ": only bridge-mode containers join networks");
            }
            if (run.networks().contains(name)) {
                throw EngineException.alreadyExists("container " + cur.name() + " is already connected to network "
                        + name);
            }
            ContainerState st = cur.state();
            if (!st.netNs().isEmpty() && (st.status() == ContainerStatus.RUNNING
                    || st.status() == ContainerStatus.PAUSED || st.status() == ContainerStatus.CREATED)) {
                String result = networks.join(cur.id(), Path.of(st.netNs()), name, st.networkStatus().values());
                Map<String, String> status = new LinkedHashMap<>(st.networkStatus());
                status.put(name, result);
                runtime.state().saveContainerState(cur.id(), st.withNetwork(st.netNs(), status));
            }
            List<String> nets = new ArrayList<>(run.networks());
            nets.add(name);
            runtime.state().rewriteContainerConfig(cur.config().withRun(run.withNetworks(nets)));
            return null;
        });
    }

    /** Removes a network from a container, leaving it at once when it runs. */
    public void disconnect(String nameOrId, String network) {
        StoredContainer c = runtime.lookupContainer(nameOrId);
        String name = networks.inspect(network).name();
        locked(c, () -> {
            StoredContainer cur = sync(c.id());
            RunConfig run = cur.config().run();
            if (run == null || !run.networks().contains(name)) {
                throw EngineException.invalidArgument("container " + cur.name() + " is not connected to network "
                        + name);
            }
            ContainerState st = cur.state();
            String result = st.networkStatus().get(name);
            if (result != null && !st.netNs().isEmpty()) {
                boolean first = run.networks().get(0).equals(name);
                networks.leave(cur.id(), Path.of(st.netNs()), name, result, first ? run.ports() : List.of());
                Map<String, String> status = new LinkedHashMap<>(st.networkStatus());
                status.remove(name);
                runtime.state().saveContainerState(cur.id(), st.withNetwork(st.netNs(), status));
            }
            List<String> nets = new ArrayList<>(run.networks());
            nets.remove(name);
            runtime.state().rewriteContainerConfig(cur.config().withRun(run.withNetworks(nets)));
            return null;
        });
    }

    public StoredContainer inspect(String nameOrId) {
        StoredContainer c = runtime.lookupContainer(nameOrId);
        return locked(c, () -> sync(c.id()));
    }

    public List<StoredContainer> list() {
        List<StoredContainer> out = new ArrayList<>();
        for (StoredContainer c : runtime.state().allContainers()) {
            out.add(locked(c, () -> sync(c.id())));
        }
        return out;
    }

    /** The container's log file (k8s-file format). */
    public Path logPath(String nameOrId) {
        return layout(runtime.lookupContainer(nameOrId).id()).userdata().resolve("ctr.log");
    }

    private <T> T locked(StoredContainer c, Supplier<T> body) {
        Lock lock = runtime.locks().retrieve(c.config().lockId());
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    private Path exitFile(String id) {
        return Path.of(runtime.config().tmpDir(), "exits", id);
    }

    record Layout(Path base, Path userdata, Path diff, Path work, Path merged) {}

    Layout layout(String id) {
        Path base = Path.of(runtime.config().storage().graphRoot(), "containers", id);
        return new Layout(base, base.resolve("userdata"), base.resolve("diff"), base.resolve("work"),
                base.resolve("merged"));
    }

    @Override
    public void close() {
        restarts.shutdownNow();
        exits.close();
    }
}
