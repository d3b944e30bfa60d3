package io.jpod.pod;

import io.jpod.lock.LockOrder;
import io.jpod.events.EventBus;
import io.jpod.common.Ids;
import io.jpod.container.ContainerService;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.lock.Locking;
import io.jpod.state.State;
import io.jpod.common.PortMapping;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.runtime.ObjectRegistry;
import io.jpod.state.ContainerStatus;
import io.jpod.state.PodConfig;
import io.jpod.state.PodState;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Pods: groups of containers sharing namespaces held by an infra container (facts §7). Pod
 * operations hold the pod's lock; the containers' own locks are taken inside, in that order.
 */
public final class PodService {

    /** Namespaces a pod can share; {@code mnt} cannot be (libpod refuses it too). */
    private static final Set<String> SHAREABLE = Set.of("ipc", "net", "uts", "pid", "cgroup");
    public static final List<String> DEFAULT_SHARED = List.of("ipc", "net", "uts");

    private final LibpodRuntime runtime;
    private final State state;
    private final Locking locking;
    private final ObjectRegistry registry;
    private final ContainerService containers;
    private final ImageStore images;
    private final EventBus events;

    public PodService(LibpodRuntime runtime, State state, Locking locking, ObjectRegistry registry,
            ContainerService containers, ImageStore images, EventBus events) {
        this.registry = registry;
        this.state = state;
        this.locking = locking;
        this.events = events;
        this.runtime = runtime;
        this.containers = containers;
        this.images = images;
    }

    /** What a client asks for; null shared namespaces take the default (ipc, net, uts). */
    public record CreateRequest(String name, Map<String, String> labels, List<String> sharedNamespaces,
            boolean infra, String infraImage, List<String> infraCommand, List<PortMapping> ports) {
        public CreateRequest {
            ports = ports == null ? List.of() : List.copyOf(ports);
        }
    }

    /** A pod with its containers (infra first) and the status derived from them. */
    public record View(StoredPod pod, List<StoredContainer> containers, String status) {}

    /** One operation over a pod's containers: the ones that failed, with why. */
    public record Report(String podId, Map<String, String> errors) {}

    public View create(CreateRequest req) {
        List<String> shared = req.sharedNamespaces() == null ? DEFAULT_SHARED : List.copyOf(req.sharedNamespaces());
        checkShared(req, shared);
        Image infraImage = null;
        List<String> infraCommand = req.infraCommand() == null || req.infraCommand().isEmpty() ? null
                : req.infraCommand();
        if (req.infra()) {
            String configured = req.infraImage() != null && !req.infraImage().isEmpty() ? req.infraImage()
                    : runtime.config().infraImage();
            if (configured != null && !configured.isEmpty() && present(configured)) {
                infraImage = images.lookup(configured);
                if (infraCommand == null && runtime.config().infraCommand() != null
                        && !runtime.config().infraCommand().isEmpty()) {
                    infraCommand = List.of(runtime.config().infraCommand());
                }
            } else {
                infraImage = InfraImage.ensure(images, Path.of(runtime.config().initPath()));
            }
        }
        StoredPod pod = registry.addPod(new PodConfig(Ids.random(), req.name(), "", -1, Instant.now(), req.labels(),
                "", false, shared, req.infra()));
        if (req.infra()) {
            try {
                StoredContainer infra = containers.createInfra(pod, infraImage.id(), infraCommand, req.ports());
                state.savePodState(pod.id(), new PodState("", infra.id()));
            } catch (RuntimeException e) {
                registry.removePod(pod.id());
                throw e;
            }
        }
        events.publish("pod", "create", pod.id(), pod.name(), Map.of());
        return inspect(pod.id());
    }

    /** The namespaces a pod may share, and what sharing needs (an infra container; ports on its network). */
    private static void checkShared(CreateRequest req, List<String> shared) {
        for (String ns : shared) {
            if (ns.equals("mnt")) {
                throw EngineException.invalidArgument("Mount sharing functionality not supported on pod level");
            }
            if (!SHAREABLE.contains(ns)) {
                throw EngineException.invalidArgument("invalid namespace to share \"" + ns + "\": use "
                        + String.join(", ", new java.util.TreeSet<>(SHAREABLE)));
            }
        }
        if (!req.ports().isEmpty() && !(req.infra() && shared.contains("net"))) {
            throw EngineException.invalidArgument("ports are published on a pod's shared network: the pod needs an "
                    + "infra container sharing net");
        }
        if (!shared.isEmpty() && !req.infra()) {
            throw EngineException.invalidArgument("Pods must have an infra container to share namespaces");
        }
    }

    private boolean present(String image) {
        try {
            images.lookup(image);
            return true;
        } catch (NoSuchObjectException e) {
            return false;
        }
    }

    public View inspect(String nameOrId) {
        StoredPod pod = state.lookupPod(nameOrId);
        List<StoredContainer> members = members(pod);
        return new View(pod, members, status(members));
    }

    /** Pod names by ID, from the pods alone (no member reads). */
    public Map<String, String> names() {
        Map<String, String> names = new java.util.LinkedHashMap<>();
        state.allPods().forEach(p -> names.put(p.id(), p.name()));
        return names;
    }

    public List<View> list() {
        // every pod's members from one read of the state
        Map<String, List<StoredContainer>> byPod = new java.util.HashMap<>();
        for (StoredContainer c : containers.list()) {
            if (c.config().podId() != null) {
                byPod.computeIfAbsent(c.config().podId(), k -> new ArrayList<>()).add(c);
            }
        }
        List<View> out = new ArrayList<>();
        for (StoredPod p : state.allPods()) {
            List<StoredContainer> members = ordered(byPod.getOrDefault(p.id(), List.of()));
            out.add(new View(p, members, status(members)));
        }
        out.sort(Comparator.comparing((View v) -> v.pod().config().created()).reversed());
        return out;
    }

    /**
     * The pod's containers, infra first, then in creation order, each synced under its own lock and
     * no other container's: a pod operation holds the pod's lock meanwhile, and the lock number of a
     * container removed since the state was read may belong to another pod by now (a deadlock).
     */
    private List<StoredContainer> members(StoredPod pod) {
        List<StoredContainer> out = new ArrayList<>();
        for (StoredContainer c : state.allContainers()) {
            if (pod.id().equals(c.config().podId())) {
                try {
                    out.add(containers.inspect(c.id()));
                } catch (NoSuchObjectException removedMeanwhile) {
                    // gone since the state was read
                }
            }
        }
        return ordered(out);
    }

    private static List<StoredContainer> ordered(List<StoredContainer> members) {
        List<StoredContainer> out = new ArrayList<>(members);
        out.sort(Comparator.comparing((StoredContainer c) -> !c.config().infra())
                .thenComparing(c -> c.config().created()));
        return out;
    }

    /** libpod's derivation (facts §7.3), checked top-down. */
    static String status(List<StoredContainer> members) {
        int n = members.size();
        if (n == 0) {
            return "Created";
        }
        int running = 0;
        int paused = 0;
        int stopped = 0;
        int error = 0;
        for (StoredContainer c : members) {
            switch (c.state().status()) {
                case RUNNING -> running++;
                case PAUSED -> paused++;
                case STOPPED, EXITED -> stopped++;
                case UNKNOWN, REMOVING, STOPPING -> error++;
                default -> { }
            }
        }
        if (running == n) {
            return "Running";
        }
        if (running > 0) {
            return "Degraded";
        }
        if (paused == n) {
            return "Paused";
        }
        if (stopped == n) {
            return "Exited";
        }
        if (stopped > 0) {
            return "Stopped";
        }
        if (error > 0) {
            return "Error";
        }
        return "Created";
    }

    /** Starts the infra container, then the others; {@code NOT_MODIFIED} when all already ran. */
    public Report start(String nameOrId) {
        return underPodLock(nameOrId, pod -> {
            List<StoredContainer> members = members(pod);
            if (!members.isEmpty() && members.stream().allMatch(c -> c.state().status() == ContainerStatus.RUNNING)) {
                throw new EngineException(EngineException.Category.NOT_MODIFIED, "pod " + pod.id()
                        + " is already running");
            }
            return each(pod, members, c -> containers.start(c.id()), true);
        });
    }

    /** Stops the members, then the infra container. */
    public Report stop(String nameOrId, Integer timeout) {
        return underPodLock(nameOrId, pod -> {
            List<StoredContainer> order = new ArrayList<>(members(pod));
            java.util.Collections.reverse(order);
            return each(pod, order, c -> containers.stop(c.id(), timeout), true);
        });
    }

    public Report restart(String nameOrId, Integer timeout) {
        stop(nameOrId, timeout);
        try {
            return start(nameOrId);
        } catch (EngineException e) {
            if (e.category() == EngineException.Category.NOT_MODIFIED) {
                return new Report(state.lookupPod(nameOrId).id(), Map.of());
            }
            throw e;
        }
    }

    public Report kill(String nameOrId, String signal) {
        return underPodLock(nameOrId, pod -> {
            List<StoredContainer> running = members(pod).stream()
                    .filter(c -> c.state().status() == ContainerStatus.RUNNING).toList();
            if (running.isEmpty()) {
                throw EngineException.invalidState("pod " + pod.id() + " has no running containers to kill");
            }
            return each(pod, running, c -> containers.kill(c.id(), signal), false);
        });
    }

    public Report pause(String nameOrId) {
        return underPodLock(nameOrId, pod -> each(pod, members(pod).stream()
                .filter(c -> c.state().status() == ContainerStatus.RUNNING).toList(), c -> containers.pause(c.id()),
                false));
    }

    public Report unpause(String nameOrId) {
        return underPodLock(nameOrId, pod -> each(pod, members(pod).stream()
                .filter(c -> c.state().status() == ContainerStatus.PAUSED).toList(), c -> containers.unpause(c.id()),
                false));
    }

    /** Removes the pod and its containers; running ones need {@code force}. */
    public List<String> remove(String nameOrId, boolean force) {
        StoredPod pod = state.lookupPod(nameOrId);
        List<String> removed = new ArrayList<>();
        // one hold of the pod's lock for the members and the record: no member can be added between
        locking.removeAndFree(LockOrder.Level.POD, pod.config().lockId(), () -> {
            StoredPod p = state.pod(pod.id()); // not found when removed meanwhile
            List<StoredContainer> members = members(p);
            boolean active = members.stream().anyMatch(c -> c.state().status() == ContainerStatus.RUNNING
                    || c.state().status() == ContainerStatus.PAUSED);
            if (active && !force) {
                throw EngineException.invalidState("pod " + p.id() + " has containers that are running or paused: "
                        + "stop it first or remove it with force");
            }
            List<StoredContainer> order = new ArrayList<>(members);
            java.util.Collections.reverse(order); // members before the infra container
            for (StoredContainer c : order) {
                if (c.config().infra()) {
                    containers.removeInfra(c.id());
                } else {
                    containers.remove(c.id(), true, false);
                }
                removed.add(c.id());
            }
            state.removePod(p.id());
        });
        events.publish("pod", "remove", pod.id(), pod.name(), Map.of());
        return removed;
    }

    /** Removes every pod with no running or paused container; returns their IDs. */
    public List<String> prune() {
        return prune(p -> true);
    }

    /** Removes every pod with no running or paused container that {@code which} accepts; returns their IDs. */
    public List<String> prune(java.util.function.Predicate<StoredPod> which) {
        List<String> out = new ArrayList<>();
        for (View v : list()) {
            if (which.test(v.pod()) && Set.of("Exited", "Stopped", "Created").contains(v.status())) {
                try {
                    remove(v.pod().id(), false);
                    out.add(v.pod().id());
                } catch (EngineException raced) {
                    // started or removed meanwhile
                }
            }
        }
        return out;
    }

    /** The processes of the pod's running containers, one table. */
    public List<List<String>> top(String nameOrId) {
        StoredPod pod = state.lookupPod(nameOrId);
        List<List<String>> rows = new ArrayList<>();
        for (StoredContainer c : members(pod)) {
            if (c.state().status() != ContainerStatus.RUNNING && c.state().status() != ContainerStatus.PAUSED) {
                continue;
            }
            List<List<String>> part = containers.top(c.id(), List.of());
            if (rows.isEmpty() && !part.isEmpty()) {
                rows.add(part.get(0));
            }
            rows.addAll(part.subList(Math.min(1, part.size()), part.size()));
        }
        if (rows.isEmpty()) {
            throw EngineException.invalidState("pod " + pod.id() + " has no running containers");
        }
        return rows;
    }

    private Report each(StoredPod pod, List<StoredContainer> targets, Consumer<StoredContainer> op,
            boolean ignoreNotModified) {
        Map<String, String> errors = new LinkedHashMap<>();
        for (StoredContainer c : targets) {
            try {
                op.accept(c);
            } catch (EngineException e) {
                if (!(ignoreNotModified && e.category() == EngineException.Category.NOT_MODIFIED)) {
                    errors.put(c.id(), e.getMessage());
                }
            }
        }
        return new Report(pod.id(), errors);
    }

    private <T> T underPodLock(String nameOrId, java.util.function.Function<StoredPod, T> body) {
        StoredPod pod = state.lookupPod(nameOrId);
        // the pod's lock first, its members' after (Locking's order); read again under it, in case it
        // was removed meanwhile and its lock number handed to another object
        return locking.holding(LockOrder.Level.POD, pod.config().lockId(), () -> body.apply(state.pod(pod.id())));
    }
}
