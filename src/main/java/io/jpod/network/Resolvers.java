package io.jpod.network;

import io.jpod.host.ProcessRunner;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The name resolvers the CNI {@code dnsname} plugin runs: one dnsmasq per network, listening on the
 * network's bridge, with its files in {@code <runtimeDir>/containers/cni/dnsname/<network>}
 * ({@code dnsmasq.conf}, {@code addnhosts}, {@code pidfile}). The plugin starts one at a network's
 * first ADD and stops it at the last DEL; this class finds them again after a daemon restart and
 * takes away what the plugin leaves behind (a removed network's process, files and firewall rule).
 */
final class Resolvers {

    private static final Log LOG = LogFactory.getLog(Resolvers.class);

    private final Path runtimeDir;

    /** {@code runtimeDir}: the plugin's {@code XDG_RUNTIME_DIR}. */
    Resolvers(Path runtimeDir) {
        this.runtimeDir = runtimeDir;
    }

    Path runtimeDir() {
        return runtimeDir;
    }

    private Path base() {
        return runtimeDir.resolve("containers/cni/dnsname");
    }

    /** The directory of a network's resolver. */
    Path dir(String network) {
        return base().resolve(network);
    }

    /** The networks that have resolver files now. */
    List<String> networks() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(base())) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(base())) {
            dirs.filter(Files::isDirectory).forEach(d -> out.add(d.getFileName().toString()));
        } catch (IOException e) {
            LOG.warn("listing " + base() + ": " + e.getMessage());
        }
        return out;
    }

    /** Whether containers are registered with the network's resolver (its hosts file has entries). */
    boolean hasEntries(String network) {
        Path hosts = dir(network).resolve("addnhosts");
        try {
            return Files.isRegularFile(hosts) && !Files.readString(hosts, StandardCharsets.UTF_8).isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    /** The network's dnsmasq, when its pid file names a live dnsmasq that reads this network's config. */
    Optional<ProcessHandle> process(String network) {
        Path conf = dir(network).resolve("dnsmasq.conf");
        try {
            Path pidFile = dir(network).resolve("pidfile");
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String argv = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ');
            // a recycled PID is someone else's process: never signal it
            return argv.contains("dnsmasq") && argv.contains(conf.toString()) ? ProcessHandle.of(pid)
                    : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Starts the network's dnsmasq again when containers are registered but it does not run (a
     * daemon restart after it was killed), as the plugin itself starts it.
     */
    void revive(String network) {
        Path conf = dir(network).resolve("dnsmasq.conf");
        if (!hasEntries(network) || !Files.isRegularFile(conf) || process(network).isPresent()) {
            return;
        }
        try {
            ProcessRunner.Result r = ProcessRunner.run(List.of(dnsmasq(), "-u", "root", "--conf-file=" + conf),
                    Duration.ofSeconds(30));
            if (!r.ok()) {
                LOG.warn("restarting the name resolver of network " + network + ": " + r.stderr().strip());
            }
        } catch (IOException e) {
            LOG.warn("restarting the name resolver of network " + network + ": " + e.getMessage());
        }
    }

    /**
     * Stops the network's dnsmasq and removes its files and the firewall rule dnsname inserted for
     * it ({@code INPUT -i <bridge> -p udp --dport 53 -j ACCEPT}); nothing of it is left.
     */
    void remove(String network, String bridge) {
        process(network).ifPresent(p -> {
            p.destroy();
            try {
                p.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception notYet) {
                p.destroyForcibly();
            }
        });
        Trees.delete(dir(network));
        if (bridge != null && !bridge.isEmpty()) {
            try {
                // the rule may be there more than once (several daemons' networks on one bridge name over time)
                for (int i = 0; i < 8; i++) {
                    ProcessRunner.Result r = ProcessRunner.run(List.of("iptables", "-w", "-D", "INPUT", "-i", bridge,
                            "-p", "udp", "-m", "udp", "--dport", "53", "-j", "ACCEPT"), Duration.ofSeconds(20));
                    if (!r.ok()) {
                        break;
                    }
                }
            } catch (IOException e) {
                LOG.debug("removing the DNS firewall rule of " + bridge + ": " + e.getMessage());
            }
        }
    }

    /**
     * Drops the entries of addresses nobody leases on the network any more (a crash between a lease's
     * release and the resolver's DEL, or a network removal cut short) and has dnsmasq reread its hosts.
     */
    void prune(String network, java.util.Set<String> leased) {
        Path hosts = dir(network).resolve("addnhosts");
        if (!Files.isRegularFile(hosts)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(hosts, StandardCharsets.UTF_8);
            List<String> kept = lines.stream().filter(l -> l.isBlank() || leased.contains(l.strip().split("\\s+")[0]))
                    .toList();
            if (kept.size() == lines.size()) {
                return;
            }
            LOG.info("Dropping " + (lines.size() - kept.size()) + " name(s) of addresses nobody holds from the "
                    + "resolver of network " + network + " (a crash's)");
            Path tmp = hosts.resolveSibling("addnhosts.tmp");
            Files.write(tmp, kept, StandardCharsets.UTF_8);
            Files.move(tmp, hosts, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            process(network).ifPresent(p -> {
                try {
                    ProcessRunner.run(List.of("kill", "-HUP", Long.toString(p.pid())), Duration.ofSeconds(10));
                } catch (IOException e) {
                    LOG.debug("reloading dnsmasq: " + e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("pruning the resolver of network " + network + ": " + e.getMessage());
        }
    }

    private static String dnsmasq() {
        for (String p : List.of("/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return "dnsmasq";
    }
}
