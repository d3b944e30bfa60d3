package io.jpod.common;

import io.jpod.error.EngineException;

/**
 * A published port: {@code hostIp:hostPort -> containerPort/protocol}. An empty host IP means
 * every address (Docker's default), which a user has to ask for; jpod's CLI examples use 127.0.0.1.
 */
public record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {

    public PortMapping {
        hostIp = hostIp == null ? "" : hostIp;
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(java.util.Locale.ROOT);
        if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("sctp")) {
            throw EngineException.invalidArgument("invalid port protocol \"" + protocol + "\": use tcp, udp or sctp");
        }
        if (containerPort < 1 || containerPort > 65535) {
            throw EngineException.invalidArgument("invalid container port " + containerPort);
        }
        if (hostPort < 0 || hostPort > 65535) {
            throw EngineException.invalidArgument("invalid host port " + hostPort);
        }
    }
}
