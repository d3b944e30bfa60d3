package io.jpod.api;

import io.jpod.network.NetworkService;
import io.jpod.common.PortMapping;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** A container's networking as both APIs' inspect and list show it. */
public final class NetworkJson {

    private NetworkJson() {}

    private static List<PortMapping> ports(StoredContainer c) {
        return c.config().run() == null ? List.of() : c.config().run().ports();
    }

    /** {@code NetworkSettings} of inspect: the first network's address at the top, each network below. */
    public static Map<String, Object> settings(StoredContainer c, JsonMapper json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Bridge", "");
        m.put("SandboxID", "");
        m.put("SandboxKey", c.state().netNs());
        Map<String, Object> networks = new LinkedHashMap<>();
        boolean first = true;
        for (var e : c.state().networkStatus().entrySet()) {
            NetworkService.IpInfo ip = NetworkService.addressOf(json, e.getValue());
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("NetworkID", e.getKey());
            n.put("EndpointID", "");
            n.put("Gateway", ip.gateway());
            n.put("IPAddress", ip.address());
            n.put("IPPrefixLen", ip.prefixLength());
            n.put("IPv6Gateway", "");
            n.put("GlobalIPv6Address", "");
            n.put("GlobalIPv6PrefixLen", 0);
            n.put("MacAddress", ip.mac());
            n.put("Aliases", List.of(c.id().substring(0, 12)));
            networks.put(e.getKey(), n);
            if (first) {
                m.put("Gateway", ip.gateway());
                m.put("IPAddress", ip.address());
                m.put("IPPrefixLen", ip.prefixLength());
                m.put("MacAddress", ip.mac());
                first = false;
            }
        }
        if (first) {
            m.put("Gateway", "");
            m.put("IPAddress", "");
            m.put("IPPrefixLen", 0);
            m.put("MacAddress", "");
        }
        Map<String, Object> published = new LinkedHashMap<>();
        for (PortMapping p : ports(c)) {
            @SuppressWarnings("unchecked")
            List<Map<String, String>> list = (List<Map<String, String>>) published.computeIfAbsent(
                    p.containerPort() + "/" + p.protocol(), k -> new ArrayList<Map<String, String>>());
            list.add(Map.of("HostIp", p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp(), "HostPort",
                    Integer.toString(p.hostPort())));
        }
        m.put("Ports", published);
        m.put("Networks", networks);
        return m;
    }

    /** {@code HostConfig.PortBindings} of inspect. */
    public static Map<String, Object> portBindings(StoredContainer c) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (PortMapping p : ports(c)) {
            @SuppressWarnings("unchecked")
            List<Map<String, String>> list = (List<Map<String, String>>) out.computeIfAbsent(
                    p.containerPort() + "/" + p.protocol(), k -> new ArrayList<Map<String, String>>());
            list.add(Map.of("HostIp", p.hostIp(), "HostPort", Integer.toString(p.hostPort())));
        }
        return out;
    }

    /** Docker's list form: {@code [{"IP", "PrivatePort", "PublicPort", "Type"}]}. */
    public static List<Map<String, Object>> dockerPorts(StoredContainer c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PortMapping p : ports(c)) {
            out.add(Map.of("IP", p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp(), "PrivatePort", p.containerPort(),
                    "PublicPort", p.hostPort(), "Type", p.protocol()));
        }
        return out;
    }

    /** podman's list form: {@code [{"host_ip", "container_port", "host_port", "range", "protocol"}]}. */
    public static List<Map<String, Object>> libpodPorts(StoredContainer c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PortMapping p : ports(c)) {
            out.add(Map.of("host_ip", p.hostIp(), "container_port", p.containerPort(), "host_port", p.hostPort(),
                    "range", 1, "protocol", p.protocol()));
        }
        return out;
    }

    /** The network mode as Docker names it. */
    public static String mode(StoredContainer c) {
        String m = c.config().run() == null ? "none" : c.config().run().networkMode();
        return switch (m) {
            case "bridge" -> c.config().run().networks().isEmpty() ? "bridge" : c.config().run().networks().get(0);
            case "pod" -> "container:" + c.config().podId();
            default -> m;
        };
    }
}
