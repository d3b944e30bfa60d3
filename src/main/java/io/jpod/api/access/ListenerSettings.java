package io.jpod.api.access;

import io.jpod.error.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The listeners ({@code jpod.api.*}). By default only the Unix socket: its permissions (0660, root
 * and {@code socketGroup}) are the authentication, as with Docker's socket. TCP (at
 * {@code server.address}:{@code server.port}) is off unless asked for, and then authenticated.
 *
 * @param socket        the daemon's own socket; empty for none
 * @param socketGroup   group that owns every socket (members may use them)
 * @param dockerSocket  also listen where docker clients look without flags
 * @param podmanSocket  also listen where podman's remote client looks without flags
 * @param tcp           listen on TCP too
 * @param tcpInsecure   TCP without authentication for the API (loopback only; never the dashboard)
 * @param tlsCa         PEM CA that signs accepted client certificates
 * @param tlsCert       PEM server certificate
 * @param tlsKey        PEM server key
 * @param tokenFile     the access token (bearer for the API, login for the dashboard); made at first start
 * @param hostNames     names besides loopback's that clients may send as {@code Host} on TCP
 */
@ConfigurationProperties("jpod.api")
public record ListenerSettings(
        @DefaultValue("/run/jpod/jpod.sock") String socket,
        @DefaultValue("jpod") String socketGroup,
        @DefaultValue("false") boolean dockerSocket,
        @DefaultValue("/var/run/docker.sock") String dockerSocketPath,
        @DefaultValue("false") boolean podmanSocket,
        @DefaultValue("/run/podman/podman.sock") String podmanSocketPath,
        @DefaultValue("false") boolean tcp,
        @DefaultValue("false") boolean tcpInsecure,
        String tlsCa,
        String tlsCert,
        String tlsKey,
        @DefaultValue("/etc/jpod/access-token") String tokenFile,
        @DefaultValue List<String> hostNames) {

    /** Every socket to listen on, the daemon's own first. */
    public List<Path> sockets() {
        List<Path> out = new ArrayList<>();
        if (socket != null && !socket.isBlank()) {
            out.add(Path.of(socket));
        }
        if (dockerSocket) {
            out.add(Path.of(dockerSocketPath));
        }
        if (podmanSocket) {
            out.add(Path.of(podmanSocketPath));
        }
        return out;
    }

    public boolean tls() {
        return blank(tlsCa) != null || blank(tlsCert) != null || blank(tlsKey) != null;
    }

    /**
     * Refuses a set-up that would open the daemon to others: nothing to listen on, TCP beyond
     * loopback without TLS, insecure TCP beyond loopback, or an incomplete or unreadable TLS file.
     */
    public void check(String bindAddress) {
        if (!tcp && sockets().isEmpty()) {
            throw new ConfigException("no listener: jpod.api.socket is empty and jpod.api.tcp is false");
        }
        if (!tcp) {
            return;
        }
        boolean loopback = loopback(bindAddress);
        String where = (bindAddress == null ? "all addresses" : bindAddress);
        if (tls()) {
            pem("jpod.api.tls-ca", tlsCa, "CERTIFICATE");
            pem("jpod.api.tls-cert", tlsCert, "CERTIFICATE");
            pem("jpod.api.tls-key", tlsKey, "PRIVATE KEY");
            return;
        }
        if (!loopback) {
            throw new ConfigException("refusing to listen on " + where + " (server.address) without TLS: anyone who "
                    + "reaches that address could run privileged containers, which is root on this host"
                    + (tcpInsecure ? ", and jpod.api.tcp-insecure is allowed on loopback only" : "")
                    + ". Set jpod.api.tls-ca, jpod.api.tls-cert and jpod.api.tls-key, or bind to 127.0.0.1");
        }
    }

    static boolean loopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void pem(String key, String value, String type) {
        if (blank(value) == null) {
            throw new ConfigException("incomplete TLS settings: " + key + " is not set (TLS needs jpod.api.tls-ca, "
                    + "jpod.api.tls-cert and jpod.api.tls-key, all PEM files)");
        }
        Path file = Path.of(value);
        String text;
        try {
            text = Files.readString(file);
        } catch (Exception e) {
            throw new ConfigException(key + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        if (!text.contains("-----BEGIN ") || !text.contains(type + "-----")) {
            throw new ConfigException(key + ": " + file + " holds no PEM " + type);
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
