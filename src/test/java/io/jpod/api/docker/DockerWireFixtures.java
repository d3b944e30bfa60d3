package io.jpod.api.docker;

import io.jpod.common.PortMapping;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A stored container with a bit of everything (mounts, ports, a network) for the wire records' tests. */
public final class DockerWireFixtures {

    private static final String ID = "0123456789ab" + "c".repeat(52);
    private static final String CNI = "{\"ips\":[{\"address\":\"10.88.0.7/16\",\"gateway\":\"10.88.0.1\"}],"
            + "\"interfaces\":[{\"name\":\"eth0\",\"mac\":\"aa:bb:cc:dd:ee:ff\",\"sandbox\":\"/run/netns/x\"}]}";

    private DockerWireFixtures() {}

    public static StoredContainer container(ContainerStatus status) {
        List<Mount> mounts = List.of(new Mount("volume", "vol1", "/data", List.of()),
                new Mount("bind", "/srv", "/b", List.of("ro", "rslave")), new Mount("tmpfs", "tmpfs", "/t", List.of()));
        RunConfig run = new RunConfig(List.of("sleep", "100"), List.of("A=1"), "/w", "nobody", false, 2, 5, "host1",
                "on-failure:3", false, false, mounts, "bridge", List.of(),
                List.of(new PortMapping("", 8080, 80, "tcp"), new PortMapping("127.0.0.1", 5353, 53, "udp")));
        ContainerConfig config = new ContainerConfig(ID, "web", "", null, 1, Instant.parse("2026-01-02T03:04:05Z"),
                "f".repeat(64), "docker.io/library/busybox:latest", List.of("sleep"), Map.of("k", "v"), false, run);
        ContainerState state = ContainerState.configured().withStatus(status)
                .withProcess(42, 41, Instant.parse("2026-01-02T03:04:06Z"))
                .withNetwork("/run/netns/x", Map.of("jpod", CNI));
        return new StoredContainer(config, state);
    }
}
