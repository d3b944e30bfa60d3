package io.jpod.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The contract on the CNI plugins of Debian's containernetworking-plugins, as root on this host. */
class CniNetworkBackendContractIT extends NetworkBackendContract {

    private Path ipamDir;

    @Override
    protected NetworkBackend newBackend(Path dir) {
        ipamDir = dir.resolve("ipam");
        return new CniNetworkBackend(dir.resolve("net.d"), List.of(Path.of("/usr/lib/cni")), ipamDir, JSON);
    }

    /** host-local keeps one file per address leased, named by the address. */
    @Override
    protected boolean leaseHeld(NetworkConfig network, String address) {
        return Files.exists(ipamDir.resolve(network.name()).resolve(address));
    }

    @Override
    protected boolean hostSideExists(NetworkConfig network) {
        return Files.exists(Path.of("/sys/class/net", network.bridge()));
    }

    @Override
    protected boolean rulesLeft(String containerId) {
        try {
            String rules = run("iptables-save").stdout();
            return rules.contains(containerId) || rules.contains(containerId.substring(0, 12));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void removeLeftovers() {
        try {
            if (Files.isDirectory(Netns.DIR)) {
                try (var s = Files.list(Netns.DIR)) {
                    for (Path ns : s.filter(p -> p.getFileName().toString().startsWith("jpod-")).toList()) {
                        // only this test's: a namespace whose container is unknown to any jpod here is not ours
                        if (run("ip", "netns", "exec", ns.getFileName().toString(), "ip", "-4", "addr")
                                .stdout().contains("10.89.240.")) {
                            run("ip", "netns", "delete", ns.getFileName().toString());
                        }
                    }
                }
            }
            for (NetworkConfig n : List.of(NET_A, NET_B, NET_TINY)) {
                if (hostSideExists(n)) {
                    run("ip", "link", "delete", n.bridge());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
