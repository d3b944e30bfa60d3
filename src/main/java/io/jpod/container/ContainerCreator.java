package io.jpod.container;

import io.jpod.common.Ids;
import io.jpod.common.PortMapping;
import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.runtime.ObjectRegistry;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a create request into a stored container: the image's defaults merged with the request
 * (command, environment, user, working directory, stop signal), checked, its network planned and
 * its mounts resolved. Nothing is left behind when a step fails.
 */
final class ContainerCreator {

    private final ObjectRegistry registry;
    private final State state;
    private final ImageStore images;
    private final MountPlanner mounts;
    private final ContainerNetworking networking;
    private final ContainerPaths paths;
    private final ContainerEvents events;
    private final ContainerSecurity security;
    private final ResourcePlanner resources;
    private final InitPlanner inits;

    ContainerCreator(ObjectRegistry registry, State state, ImageStore images, MountPlanner mounts,
            ContainerNetworking networking, ContainerPaths paths, ContainerEvents events,
            ContainerSecurity security, ResourcePlanner resources, InitPlanner inits) {
        this.inits = inits;
        this.security = security;
        this.resources = resources;
        this.registry = registry;
        this.state = state;
        this.images = images;
        this.mounts = mounts;
        this.networking = networking;
        this.paths = paths;
        this.events = events;
    }

    /**
     * Creates the infra container of a pod: it holds the namespaces the pod shares and runs
     * {@code command} (catatonit's pause mode by default).
     */
    StoredContainer createInfra(StoredPod pod, String image, List<String> command,
            List<PortMapping> ports) {
        // null keeps the image's entrypoint; a command replaces it
        return create(new CreateRequest(pod.id().substring(0, 12) + "-infra", image, command, null, List.of(),
                null, null, Map.of(), false, null, null, null, false, null, false, List.of(), pod.id(),
                new CreateRequest.NetworkRequest("bridge", List.of(), ports)), true);
    }

    StoredContainer create(CreateRequest req, boolean infra) {
        if (req.image() == null || req.image().isEmpty()) {
            throw EngineException.invalidArgument("an image is required");
        }
        Image image = images.lookup(req.image());
        List<String> args = command(req, image);
        String id = Ids.random();
        StoredPod pod = req.pod() == null || req.pod().isEmpty() ? null : state.lookupPod(req.pod());
        String hostname = hostname(req, pod, infra, id);
        String stopSignal = req.stopSignal() != null && !req.stopSignal().isEmpty() ? req.stopSignal()
                : image.config().stopSignal().isEmpty() ? "SIGTERM" : image.config().stopSignal();
        RestartPolicy.parse(req.restartPolicy());
        int stopTimeout = req.stopTimeout() != null ? req.stopTimeout() : 10;
        if (stopTimeout < 0) {
            throw EngineException.invalidArgument("stop timeout must not be negative");
        }
        ContainerNetworking.ResolvedNetwork net = networking.plan(req.network(), infra ? null : pod);
        io.jpod.state.ContainerConfig.Security sec = security.plan(req.security(), net.mode(), infra ? null : pod);
        // a pod member sharing its infra's IPC namespace has the infra's /dev/shm
        boolean podIpc = !infra && pod != null && pod.config().hasInfra()
                && pod.config().sharedNamespaces().contains("ipc") && sec.ipcMode().isEmpty();
        io.jpod.state.ResourceLimits limits = resources.plan(req.resources(),
                podIpc ? "container:" + pod.name() + "'s infra" : sec.ipcMode());
        MountPlanner.PreparedMounts prepared = mounts.prepareMounts(req.mounts(), image.config().volumes());
        RunConfig run = new RunConfig(args, environment(req, image, hostname),
                req.workingDir() != null && !req.workingDir().isEmpty() ? req.workingDir()
                        : image.config().workingDir(),
                req.user() != null && !req.user().isEmpty() ? req.user() : image.config().user(), req.tty(),
                Signals.parse(stopSignal), stopTimeout, hostname, req.restartPolicy(), req.autoRemove(), req.stdin(),
                prepared.mounts(), net.mode(), net.networks(), net.ports(), sec, limits,
                HealthSettings.merge(req.healthcheck(), image.config().healthcheck()))
                .withNames(networking.planNames(req.names(), net)).withLog(req.log())
                .withInit(inits.plan(req.init()));
        String imageName = image.names().isEmpty() ? image.id() : image.names().get(0);
        StoredContainer c = record(new ContainerConfig(id, req.name(), "", pod == null ? null : pod.id(), -1,
                Instant.now(), image.id(), imageName, args, req.labels(), infra, run), prepared);
        events.publish("create", c);
        return c;
    }

    /** The image's entrypoint and command, each replaced by the request's when it gives one. */
    private static List<String> command(CreateRequest req, Image image) {
        List<String> entrypoint = req.entrypoint() != null ? req.entrypoint() : image.config().entrypoint();
        List<String> cmd = req.command() != null && !req.command().isEmpty() ? req.command()
                : req.entrypoint() != null && !req.entrypoint().isEmpty() ? List.of() : image.config().cmd();
        List<String> args = new ArrayList<>(entrypoint);
        args.addAll(cmd);
        if (args.isEmpty()) {
            throw EngineException.invalidArgument("no command specified: the image has no CMD or ENTRYPOINT, give one");
        }
        return args;
    }

    /** The pod's name where the container shares its pod's UTS namespace, else the request's or the short ID. */
    private static String hostname(CreateRequest req, StoredPod pod, boolean infra, String id) {
        boolean podUts = pod != null && pod.config().hasInfra() && pod.config().sharedNamespaces().contains("uts");
        boolean asked = req.hostname() != null && !req.hostname().isEmpty();
        if (!infra && podUts && asked) {
            throw EngineException.invalidArgument("a container sharing its pod's UTS namespace cannot set a hostname");
        }
        return podUts ? pod.name() : asked ? req.hostname() : id.substring(0, 12);
    }

    /** PATH and {@code container} first, then the image's variables, then the request's, each KEY=VALUE. */
    private static List<String> environment(CreateRequest req, Image image, String hostname) {
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
        env.put("HOSTNAME", hostname);
        if (req.tty()) {
            env.putIfAbsent("TERM", "xterm");
        }
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** Stores the container and makes its directory; the volumes made for it go again if either fails. */
    private StoredContainer record(ContainerConfig config, MountPlanner.PreparedMounts prepared) {
        StoredContainer c;
        try {
            c = registry.addContainer(config);
        } catch (RuntimeException e) {
            mounts.deleteVolumes(prepared.createdVolumes());
            throw e;
        }
        try {
            Files.createDirectories(paths.layout(c.id()).userdata());
        } catch (IOException e) {
            registry.removeContainer(c.id());
            mounts.deleteVolumes(prepared.createdVolumes());
            throw EngineException.internal("creating the directories of " + c.id() + ": " + e.getMessage(), e);
        }
        return c;
    }
}
