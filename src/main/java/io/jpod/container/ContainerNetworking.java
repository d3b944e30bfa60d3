package io.jpod.container;

import io.jpod.common.PortMapping;
import io.jpod.error.EngineException;
import io.jpod.network.EndpointNames;
import io.jpod.network.NetworkService;
import io.jpod.state.NameConfig;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A container's networking: the plan at create (mode, networks, published ports), the namespaces
 * it gets or joins at init (its own wired by CNI, the host's, another container's, its pod's), their
 * release at cleanup, and networks connected or disconnected later.
 */
final class ContainerNetworking {

    private final State state;
    private final NetworkService networks;
    private final NamePlanner names;
    private final EtcFiles etcFiles;
    private final ContainerLinks links;

    ContainerNetworking(State state, NetworkService networks, tools.jackson.databind.json.JsonMapper json) {
        this.state = state;
        this.networks = networks;
        this.names = new NamePlanner(networks);
        this.etcFiles = new EtcFiles(networks, json);
        this.links = new ContainerLinks(state, networks, json);
    }

    /** A new container's name settings, checked against its network plan; its links' targets found. */
    NameConfig planNames(NameConfig req, ResolvedNetwork net) {
        NameConfig planned = names.plan(req, net);
        return planned.withLinks(links.plan(planned.links(), net.mode()));
    }

    /**
     * After a rename: the resolvers of the networks the container has joined know the new name at once
     * (call with the container's lock held). Its own /etc/hosts stays as it started, as in Docker.
     */
    void renamed(String id) {
        StoredContainer c = state.container(id);
        ContainerState st = c.state();
        if (st.networkStatus().isEmpty()) {
            return; // it joins with its new name at its next start
        }
        Map<String, String> status = new LinkedHashMap<>();
        st.networkStatus().forEach((net, result) -> status.put(net, networks.rename(net, result, c.name())));
        state.saveContainerState(id, st.withNetwork(st.netNs(), status));
    }

    ContainerLinks links() {
        return links;
    }

    /**
     * After {@code target} started (with a new address, maybe): the hosts files of the running containers
     * linked to it name the new one, as Docker updates its links' parents.
     */
    void refreshLinkers(String targetId) {
        for (StoredContainer c : links.linkedTo(targetId)) {
            if (c.state().runDir().isEmpty()) {
                continue;
            }
            try {
                // rewritten in place: the file is bind-mounted, a new inode would not be seen
                java.nio.file.Files.writeString(Path.of(c.state().runDir()).resolve("hosts"),
                        etcFiles.hosts(c, links.hostsLines(c)));
            } catch (IOException | RuntimeException e) {
                org.apache.commons.logging.LogFactory.getLog(ContainerNetworking.class).warn("updating the hosts "
                        + "file of " + c.id() + ", linked to " + targetId + ": " + e.getMessage());
            }
        }
    }

    /** Writes the container's /etc/hosts, /etc/hostname and /etc/resolv.conf into {@code dir}. */
    void writeEtcFiles(Path dir, StoredContainer c) throws IOException {
        etcFiles.write(dir, c, links.hostsLines(c));
    }

    /** What the networks' resolvers know the container by: its name and its aliases per network. */
    private static EndpointNames endpointNames(StoredContainer c) {
        RunConfig run = c.config().run();
        return new EndpointNames(c.name(), run == null ? Map.of() : run.names().aliases());
    }

    /** A network's name, from its name or ID ({@code NOT_FOUND} when there is none). */
    String networkName(String nameOrId) {
        return networks.inspect(nameOrId).name();
    }

    record ResolvedNetwork(String mode, List<String> networks, List<PortMapping> ports) {}

    /**
     * The network mode, networks and ports of a new container, checked. A pod member that shares
     * its pod's network takes the pod's: it can neither choose nor publish.
     */
    ResolvedNetwork plan(CreateRequest.NetworkRequest req, StoredPod pod) {
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
        List<String> nets = new ArrayList<>(r.networks());
        String mode = mode(r, nets);
        if (mode.equals("bridge")) {
            nets = bridgeNetworks(nets);
        }
        List<PortMapping> ports = new ArrayList<>();
        for (PortMapping p : r.ports()) {
            ports.add(p.hostPort() == 0 ? new PortMapping(p.hostIp(), freePort(p.hostIp()), p.containerPort(),
                    p.protocol()) : p);
        }
        return new ResolvedNetwork(mode, nets, ports);
    }

    /** The stored mode: bridge, none, host or container:ID; a network's name as the mode joins it (docker --network NAME). */
    private String mode(CreateRequest.NetworkRequest r, List<String> nets) {
        String mode = r.mode();
        switch (mode) {
            case "", "bridge", "default", "private" -> {
                return "bridge";
            }
            case "none", "host" -> {
                if (!nets.isEmpty() || !r.ports().isEmpty()) {
                    throw EngineException.invalidArgument("network mode " + mode + " takes no networks and no "
                            + "published ports");
                }
                return mode;
            }
            default -> {
                if (!mode.startsWith("container:")) {
                    nets.add(0, mode);
                    return "bridge";
                }
                if (!r.ports().isEmpty()) {
                    throw EngineException.invalidArgument("a container sharing another's network cannot publish "
                            + "ports");
                }
                return "container:" + state.lookupContainer(mode.substring("container:".length())).id();
            }
        }
    }

    /** The networks' names, each once, in order; the default network when none is given. */
    private List<String> bridgeNetworks(List<String> nets) {
        List<String> names = new ArrayList<>();
        for (String n : nets.isEmpty() ? List.of(networks.defaultNetwork()) : nets) {
            String name = networks.inspect(n).name();
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        return names;
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
            StoredContainer other = state.container(mode.substring("container:".length()));
            if (other.state().status() != ContainerStatus.RUNNING) {
                throw EngineException.invalidState("container " + other.id() + ", whose network " + c.id()
                        + " shares, is not running");
            }
            return Map.of("network", "/proc/" + other.state().pid() + "/ns/net");
        }
        NetworkService.Attachment a = networks.attach(c.id(), mode.equals("bridge") ? run.networks() : List.of(),
                run.ports(), endpointNames(c));
        try {
            state.saveContainerState(c.id(), state.container(c.id()).state()
                    .withNetwork(a.netns().toString(), a.results()));
        } catch (RuntimeException e) {
            // not recorded (a read-only or locked state): no clean-up would ever find it, so it goes now
            try {
                networks.detach(c.id(), a, run.ports());
            } catch (RuntimeException detach) {
                e.addSuppressed(detach);
            }
            throw e;
        }
        return Map.of("network", a.netns().toString());
    }

    /** Tears down what {@link #networkNamespaces} set up; the state is the caller's to save. */
    ContainerState release(StoredContainer c, ContainerState st) {
        if (st.netNs().isEmpty()) {
            return st;
        }
        networks.detach(c.id(), new NetworkService.Attachment(Path.of(st.netNs()), st.networkStatus()),
                c.config().run() == null ? List.of() : c.config().run().ports());
        return st.withNetwork("", Map.of());
    }

    /**
     * The namespaces a pod member joins: its infra container's, for each namespace the pod shares
     * (podman's names: net, ipc, uts, pid, cgroup).
     */
    private Map<String, String> podNamespaces(StoredContainer c) {
        if (c.config().podId() == null || c.config().infra()) {
            return Map.of();
        }
        StoredPod pod = state.pod(c.config().podId());
        String infraId = pod.state().infraContainerId();
        if (infraId == null || infraId.isEmpty()) {
            return Map.of();
        }
        StoredContainer infra = state.container(infraId);
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
    String infraOf(StoredContainer c) {
        if (c.config().podId() == null || c.config().infra()) {
            return null;
        }
        String infraId = state.pod(c.config().podId()).state().infraContainerId();
        return infraId == null || infraId.isEmpty() ? null : infraId;
    }

    /** Every namespace the container joins instead of making its own. */
    Map<String, String> joined(StoredContainer c) {
        Map<String, String> out = new LinkedHashMap<>(podNamespaces(c));
        if (!out.containsKey("network")) {
            out.putAll(networkNamespaces(c));
        }
        return out;
    }


    /**
     * Adds a network to a bridge-mode container; a running one joins it at once on its next free
     * interface, a stopped one at its next start. The caller holds the lock and passes the container as it is now.
     */
    void connect(StoredContainer cur, String name) {
        connect(cur, name, List.of());
    }

    /** As {@link #connect(StoredContainer, String)}, with the container's aliases on that network. */
    void connect(StoredContainer cur, String name, List<String> aliases) {
        RunConfig run = cur.config().run();
        if (run == null || !run.networkMode().equals("bridge")) {
            throw EngineException.invalidArgument("container " + cur.id() + " uses network mode "
                    + (run == null ? "none" : run.networkMode()) + ": only bridge-mode containers join networks");
        }
        if (run.networks().contains(name)) {
            throw EngineException.alreadyExists("container " + cur.name() + " is already connected to network "
                    + name);
        }
        RunConfig withAliases = run.withNames(run.names().withAliases(name,
                names.checkAliases(networks.inspect(name), aliases)));
        cur = new StoredContainer(cur.config().withRun(withAliases), cur.state());
        run = withAliases;
        ContainerState st = cur.state();
        if (!st.netNs().isEmpty() && (st.status() == ContainerStatus.RUNNING
                || st.status() == ContainerStatus.PAUSED || st.status() == ContainerStatus.CREATED)) {
            String result = networks.join(cur.id(), Path.of(st.netNs()), name, st.networkStatus().values(),
                    endpointNames(cur));
            Map<String, String> status = new LinkedHashMap<>(st.networkStatus());
            status.put(name, result);
            state.saveContainerState(cur.id(), st.withNetwork(st.netNs(), status));
        }
        List<String> nets = new ArrayList<>(run.networks());
        nets.add(name);
        state.rewriteContainerConfig(cur.config().withRun(run.withNetworks(nets)));
        refreshEtcFiles(cur.id());
    }

    /** Removes a network from a container, leaving it at once when it runs (lock held, as for connect). */
    void disconnect(StoredContainer cur, String name) {
        RunConfig run = cur.config().run();
        if (run == null || !run.networks().contains(name)) {
            // podman's answer (its network-not-found error): also what a disconnect racing another gets
            throw EngineException.notFound("container " + cur.name() + " is not connected to network "
                    + name);
        }
        ContainerState st = cur.state();
        String result = st.networkStatus().get(name);
        if (result != null && !st.netNs().isEmpty()) {
            boolean first = run.networks().get(0).equals(name);
            networks.leave(cur.id(), Path.of(st.netNs()), name, result, first ? run.ports() : List.of());
            Map<String, String> status = new LinkedHashMap<>(st.networkStatus());
            status.remove(name);
            state.saveContainerState(cur.id(), st.withNetwork(st.netNs(), status));
        }
        List<String> nets = new ArrayList<>(run.networks());
        nets.remove(name);
        state.rewriteContainerConfig(cur.config().withRun(run.withNetworks(nets)
                .withNames(run.names().withAliases(name, List.of()))));
        refreshEtcFiles(cur.id());
    }

    /**
     * Rewrites a prepared container's /etc files in place (the same files stay bind-mounted), so a
     * running container connected to a network with names uses its resolver at once, and stops when
     * disconnected.
     */
    private void refreshEtcFiles(String id) {
        StoredContainer now = state.container(id);
        if (now.state().runDir().isEmpty() || now.state().netNs().isEmpty()) {
            return;
        }
        try {
            etcFiles.write(Path.of(now.state().runDir()), now, links.hostsLines(now)); // links kept
        } catch (IOException | RuntimeException e) {
            org.apache.commons.logging.LogFactory.getLog(ContainerNetworking.class)
                    .warn("updating the /etc files of " + id + ": " + e.getMessage());
        }
    }
}
