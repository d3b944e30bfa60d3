package io.jpod.api.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Docker records' JSON where its shape is easy to get wrong: names, nulls, ports, mounts, networks. */
class DockerWireTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static JsonNode inspect(ContainerStatus status) {
        StoredContainer c = DockerWireFixtures.container(status);
        return JSON.valueToTree(ContainerInspectResponse.of(c, "/logs/ctr.log", m -> "/host" + m.destination(),
                JSON));
    }

    @Test
    void stateNamesDockerWordsAndCountsAStoppingContainerAsRunning() {
        JsonNode state = inspect(ContainerStatus.STOPPING).path("State");
        assertThat(state.path("Status").asString()).isEqualTo("running");
        assertThat(state.path("Running").asBoolean()).isTrue();
        assertThat(state.has("OOMKilled")).isTrue();
        assertThat(state.path("StartedAt").asString()).isEqualTo("2026-01-02T03:04:06Z");
        assertThat(state.path("FinishedAt").asString()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(inspect(ContainerStatus.PAUSED).path("State").path("Paused").asBoolean()).isTrue();
    }

    @Test
    void inspectKeepsNullEntrypointTextStopSignalAndDockerNames() {
        JsonNode i = inspect(ContainerStatus.RUNNING);
        assertThat(i.path("Name").asString()).isEqualTo("/web");
        assertThat(i.path("Image").asString()).isEqualTo("sha256:" + "f".repeat(64));
        assertThat(i.path("Path").asString()).isEqualTo("sleep");
        assertThat(i.path("Config").has("Entrypoint")).isTrue();
        assertThat(i.path("Config").path("Entrypoint").isNull()).isTrue();
        assertThat(i.path("Config").path("StopSignal").isString()).isTrue();
        assertThat(i.path("Config").path("Image").asString()).isEqualTo("busybox:latest");
        assertThat(i.path("HostConfig").path("RestartPolicy").path("Name").asString()).isEqualTo("on-failure");
        assertThat(i.path("HostConfig").path("RestartPolicy").path("MaximumRetryCount").asInt()).isEqualTo(3);
        assertThat(i.path("HostConfig").path("PortBindings").path("80/tcp").path(0).path("HostIp").asString())
                .isEmpty();
    }

    @Test
    void mountsNameVolumesOnlyAndTmpfsHasNoSource() {
        JsonNode mounts = inspect(ContainerStatus.RUNNING).path("Mounts");
        assertThat(mounts.path(0).path("Name").asString()).isEqualTo("vol1");
        assertThat(mounts.path(0).path("Driver").asString()).isEqualTo("local");
        assertThat(mounts.path(1).has("Name")).isFalse();
        assertThat(mounts.path(1).has("Driver")).isFalse();
        assertThat(mounts.path(1).path("RW").asBoolean()).isFalse();
        assertThat(mounts.path(1).path("Propagation").asString()).isEqualTo("rslave");
        assertThat(mounts.path(1).path("Source").asString()).isEqualTo("/host/b");
        assertThat(mounts.path(2).path("Source").asString()).isEmpty();
        assertThat(mounts.path(2).path("Propagation").asString()).isEmpty();
    }

    @Test
    void networkSettingsPutTheFirstNetworkOnTopAndPublishedPortsWithAnAddress() {
        JsonNode n = inspect(ContainerStatus.RUNNING).path("NetworkSettings");
        assertThat(n.path("IPAddress").asString()).isEqualTo("10.88.0.7");
        assertThat(n.path("IPPrefixLen").asInt()).isEqualTo(16);
        assertThat(n.path("MacAddress").asString()).isEqualTo("aa:bb:cc:dd:ee:ff");
        assertThat(n.path("SandboxKey").asString()).isEqualTo("/run/netns/x");
        JsonNode jpod = n.path("Networks").path("jpod");
        assertThat(jpod.path("NetworkID").asString()).isEqualTo("jpod");
        assertThat(jpod.path("Gateway").asString()).isEqualTo("10.88.0.1");
        assertThat(jpod.path("Aliases").path(0).asString()).isEqualTo("0123456789ab");
        assertThat(n.path("Ports").path("80/tcp").path(0).path("HostIp").asString()).isEqualTo("0.0.0.0");
        assertThat(n.path("Ports").path("53/udp").path(0).path("HostPort").asString()).isEqualTo("5353");
    }

    @Test
    void summaryListsPortsFlatWithNumbersAndASlashedName() {
        JsonNode s = JSON.valueToTree(ContainerSummary.of(DockerWireFixtures.container(ContainerStatus.RUNNING), JSON));
        assertThat(s.path("Names").path(0).asString()).isEqualTo("/web");
        assertThat(s.path("ImageID").asString()).startsWith("sha256:");
        assertThat(s.path("Command").asString()).isEqualTo("sleep 100");
        assertThat(s.path("Created").asLong()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z").getEpochSecond());
        JsonNode port = s.path("Ports").path(0);
        assertThat(port.path("IP").asString()).isEqualTo("0.0.0.0");
        assertThat(port.path("PrivatePort").isInt()).isTrue();
        assertThat(port.path("PublicPort").asInt()).isEqualTo(8080);
        assertThat(port.path("Type").asString()).isEqualTo("tcp");
        assertThat(s.path("NetworkSettings").path("Networks").path("jpod").path("IPAddress").asString())
                .isEqualTo("10.88.0.7");
        assertThat(s.path("Mounts").isArray()).isTrue();
    }

    @Test
    void waitSendsANullErrorUnlessWaitingFailed() {
        JsonNode ok = JSON.valueToTree(ContainerWaitResponse.of(3, null));
        assertThat(ok.path("StatusCode").asInt()).isEqualTo(3);
        assertThat(ok.has("Error")).isTrue();
        assertThat(ok.path("Error").isNull()).isTrue();
        JsonNode failed = JSON.valueToTree(ContainerWaitResponse.of(-1, "shutting down"));
        assertThat(failed.path("Error").path("Message").asString()).isEqualTo("shutting down");
    }
}
