package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.common.PortMapping;
import io.jpod.state.ContainerConfig.Mount;
import java.util.List;

/** The CLI's short forms, {@code -v SOURCE:DEST[:OPTIONS]} and {@code -p [IP:][HOST:]CONTAINER[/PROTO]}, read once for every adapter. */
public final class ShortForms {

    private ShortForms() {}

    /** A bind (absolute source) or named volume; {@code DEST} alone makes an anonymous volume. */
    public static Mount mount(String spec) {
        String[] parts = spec.trim().split(":");
        if (parts.length == 1 && parts[0].startsWith("/")) {
            return new Mount("volume", "", parts[0], List.of());
        }
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || !parts[1].startsWith("/")) {
            throw EngineException.invalidArgument("invalid volume \"" + spec + "\": use SOURCE:DEST[:OPTIONS] with an "
                    + "absolute DEST");
        }
        List<String> opts = parts.length == 3 ? List.of(parts[2].split(",")) : List.of();
        return new Mount(parts[0].startsWith("/") ? "bind" : "volume", parts[0], parts[1], opts);
    }

    /** A published port; a missing or zero host port picks a free one. */
    public static PortMapping port(String spec) {
        String s = spec.trim();
        String proto = "tcp";
        int slash = s.lastIndexOf('/');
        if (slash >= 0) {
            proto = s.substring(slash + 1);
            s = s.substring(0, slash);
        }
        String[] parts = s.split(":");
        String ip = "";
        String host = "";
        String ctr;
        switch (parts.length) {
            case 1 -> ctr = parts[0];
            case 2 -> {
                host = parts[0];
                ctr = parts[1];
            }
            case 3 -> {
                ip = parts[0];
                host = parts[1];
                ctr = parts[2];
            }
            default -> throw EngineException.invalidArgument("invalid port \"" + spec
                    + "\": use [IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]");
        }
        return new PortMapping(ip, host.isEmpty() ? 0 : number(host, spec), number(ctr, spec), proto);
    }

    private static int number(String s, String spec) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("invalid port \"" + spec + "\": ports are numbers (ranges are not "
                    + "supported yet)");
        }
    }
}
