package io.jpod.container;

import io.jpod.common.PortMapping;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.network.NetworkService;
import io.jpod.state.ContainerStatus;
import io.jpod.state.NameConfig.Link;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker's legacy links ({@code --link other:alias}, compose's {@code links:}). The target is fixed at
 * create by its ID; at each start of the linking container it must run, and its current address goes
 * into the linking container's {@code /etc/hosts} as {@code IP alias hostname name}. On the default
 * network the linking container also gets Docker's link variables ({@code ALIAS_PORT_80_TCP=tcp://IP:80},
 * {@code ALIAS_NAME}, {@code ALIAS_ENV_*}); on user networks a link is a name only, as in Docker.
 * A target that starts again (with a new address) rewrites the hosts files of the running containers
 * linked to it.
 */
final class ContainerLinks {

    private final State state;
    private final NetworkService networks;
    private final JsonMapper json;

    ContainerLinks(State state, NetworkService networks, JsonMapper json) {
        this.state = state;
        this.networks = networks;
        this.json = json;
    }

    /** The request's links with their targets found: {@code container} as the client named it becomes an ID. */
    List<Link> plan(List<Link> requested, String networkMode) {
        if (requested.isEmpty()) {
            return List.of();
        }
        if (!networkMode.equals("bridge")) {
            throw EngineException.invalidArgument("conflicting options: links (--link) need a bridge network, not "
                    + "network mode " + networkMode);
        }
        List<Link> out = new ArrayList<>();
        Set<String> aliases = new LinkedHashSet<>();
        for (Link l : requested) {
            String name = l.container().startsWith("/") ? l.container().substring(1) : l.container();
            StoredContainer target;
            try {
                target = state.lookupContainer(name);
            } catch (NoSuchObjectException e) {
                // Docker 20.10's words and status: a 400 (a 404 would make the docker CLI pull the image)
                throw EngineException.invalidArgument("could not get container for " + name
                        + ": No such container: " + name);
            }
            String alias = l.alias() == null || l.alias().isEmpty() ? name : l.alias();
            if (alias.startsWith("/")) {
                alias = alias.substring(1);
            }
            if (!NamePlanner.HOST.matcher(alias).matches()) {
                throw EngineException.invalidArgument("invalid link alias \"" + alias + "\"");
            }
            if (target.config().run() != null && target.config().run().networkMode().equals("host")) {
                throw EngineException.invalidArgument("conflicting options: host type networking can't be used "
                        + "with links; " + name + " uses the host's network");
            }
            if (aliases.add(alias)) {
                out.add(new Link(target.id(), target.name(), alias));
            }
        }
        return out;
    }

    /** Before a start: every target exists and runs, as Docker checks. */
    void checkTargets(StoredContainer c) {
        for (Link l : links(c)) {
            StoredContainer t = target(l);
            if (t == null) {
                throw EngineException.notFound("could not get container for " + l.name() + " (linked as "
                        + l.alias() + ")");
            }
            if (!running(t)) {
                throw EngineException.invalidState("Cannot link to a non running container: /" + t.name() + " AS /"
                        + c.name() + "/" + l.alias());
            }
        }
    }

    /** The {@code /etc/hosts} lines of the running targets: {@code IP alias hostname [name]}. */
    List<String> hostsLines(StoredContainer c) {
        List<String> out = new ArrayList<>();
        for (Link l : links(c)) {
            StoredContainer t = target(l);
            String ip = t == null || !running(t) ? "" : address(c, t);
            if (ip.isEmpty()) {
                continue;
            }
            StringBuilder b = new StringBuilder(ip).append('\t').append(l.alias());
            String hostname = t.config().run() == null ? "" : t.config().run().hostname();
            if (!hostname.isEmpty() && !hostname.equals(l.alias())) {
                b.append(' ').append(hostname);
            }
            if (!t.name().equals(l.alias()) && !t.name().equals(hostname)) {
                b.append(' ').append(t.name());
            }
            out.add(b.toString());
        }
        return out;
    }

    /**
     * Docker's link variables, on the default network only: per exposed port of the target (its image's and
     * its published ones) {@code ALIAS_PORT_<port>_<PROTO>} with {@code _ADDR}, {@code _PORT},
     * {@code _PROTO}; {@code ALIAS_PORT} for the lowest; {@code ALIAS_NAME=/me/alias}; the target's own
     * variables as {@code ALIAS_ENV_*} (without PATH, HOME, HOSTNAME).
     */
    List<String> env(StoredContainer c, Function<String, List<String>> imageExposedPorts) {
        if (!c.state().networkStatus().containsKey(networks.defaultNetwork())) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Link l : links(c)) {
            StoredContainer t = target(l);
            String ip = t == null ? "" : address(c, t);
            if (ip.isEmpty() || t.config().run() == null) {
                continue;
            }
            String prefix = l.alias().toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
            Set<String> ports = new LinkedHashSet<>();
            try {
                ports.addAll(imageExposedPorts.apply(t.config().rootfsImageId()));
            } catch (RuntimeException imageGone) {
                // the target's image may have been removed: its published ports remain
            }
            for (PortMapping p : t.config().run().ports()) {
                ports.add(p.containerPort() + "/" + p.protocol());
            }
            List<String[]> sorted = ports.stream().map(p -> p.contains("/") ? p.split("/", 2)
                    : new String[] {p, "tcp"}).sorted(Comparator.<String[]>comparingInt(p -> number(p[0]))
                    .thenComparing(p -> p[1].equals("tcp") ? 0 : 1)).toList();
            for (int i = 0; i < sorted.size(); i++) {
                String port = sorted.get(i)[0];
                String proto = sorted.get(i)[1].toLowerCase(Locale.ROOT);
                String key = prefix + "_PORT_" + port + "_" + proto.toUpperCase(Locale.ROOT);
                String url = proto + "://" + ip + ":" + port;
                if (i == 0) {
                    out.add(prefix + "_PORT=" + url);
                }
                out.add(key + "=" + url);
                out.add(key + "_ADDR=" + ip);
                out.add(key + "_PORT=" + port);
                out.add(key + "_PROTO=" + proto);
            }
            out.add(prefix + "_NAME=/" + c.name() + "/" + l.alias());
            for (String kv : t.config().run().env()) {
                int eq = kv.indexOf('=');
                String k = eq < 0 ? kv : kv.substring(0, eq);
                if (eq > 0 && !k.equals("PATH") && !k.equals("HOME") && !k.equals("HOSTNAME")) {
                    out.add(prefix + "_ENV_" + kv);
                }
            }
        }
        return out;
    }

    /** Docker's {@code HostConfig.Links}: {@code /target:/me/alias}, with the target's current name. */
    List<String> dockerForm(StoredContainer c) {
        List<String> out = new ArrayList<>();
        for (Link l : links(c)) {
            StoredContainer t = target(l);
            out.add("/" + (t == null ? l.name() : t.name()) + ":/" + c.name() + "/" + l.alias());
        }
        return out;
    }

    /** The running containers linked to {@code target}, whose hosts files name its address. */
    List<StoredContainer> linkedTo(String targetId) {
        List<StoredContainer> out = new ArrayList<>();
        for (StoredContainer c : state.allContainers()) {
            if (running(c) && links(c).stream().anyMatch(l -> l.container().equals(targetId))) {
                out.add(c);
            }
        }
        return out;
    }

    private static List<Link> links(StoredContainer c) {
        return c.config().run() == null ? List.of() : c.config().run().names().links();
    }

    private StoredContainer target(Link l) {
        try {
            return state.container(l.container());
        } catch (NoSuchObjectException gone) {
            return null;
        }
    }

    private static boolean running(StoredContainer c) {
        ContainerStatus s = c.state().status();
        return s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED;
    }

    /** The target's address on a network both share, else on its first network. */
    private String address(StoredContainer self, StoredContainer target) {
        Map<String, String> theirs = target.state().networkStatus();
        String chosen = self.state().networkStatus().keySet().stream().filter(theirs::containsKey).findFirst()
                .orElse(theirs.keySet().stream().findFirst().orElse(null));
        return chosen == null ? "" : NetworkService.addressOf(json, theirs.get(chosen)).address();
    }

    private static int number(String port) {
        try {
            return Integer.parseInt(port.contains("-") ? port.substring(0, port.indexOf('-')) : port);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
