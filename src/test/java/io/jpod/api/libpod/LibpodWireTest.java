package io.jpod.api.libpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.api.docker.DockerWireFixtures;
import io.jpod.image.Image;
import io.jpod.image.ImageConfig;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The libpod records' JSON where podman's client is strict: times, snake_case ports, omitted image config. */
class LibpodWireTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void listRowHasUnixTimesSnakeCasePortsAndNoPidOnceStopped() {
        StoredContainer c = DockerWireFixtures.container(ContainerStatus.EXITED);
        JsonNode row = JSON.valueToTree(ListContainer.of(c, "pod1"));
        assertThat(row.path("Created").asString()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(row.path("StartedAt").isNumber()).isTrue();
        assertThat(row.path("ExitedAt").asLong()).isEqualTo(-62135596800L);
        assertThat(row.path("Exited").asBoolean()).isTrue();
        assertThat(row.path("Pid").asInt()).isZero();
        assertThat(row.path("PodName").asString()).isEqualTo("pod1");
        assertThat(row.path("ImageID").asString()).isEqualTo("f".repeat(64));
        assertThat(row.has("Size")).isTrue();
        assertThat(row.path("Size").isNull()).isTrue();
        assertThat(row.path("Mounts").path(0).asString()).isEqualTo("/data");
        JsonNode port = row.path("Ports").path(0);
        assertThat(port.path("host_port").asInt()).isEqualTo(8080);
        assertThat(port.path("container_port").asInt()).isEqualTo(80);
        assertThat(port.path("host_ip").asString()).isEmpty();
        assertThat(port.path("range").asInt()).isEqualTo(1);
    }

    @Test
    void inspectHasPodmansNamesNumericStopSignalAndStringEntrypoint() {
        StoredContainer c = DockerWireFixtures.container(ContainerStatus.RUNNING);
        JsonNode i = JSON.valueToTree(InspectContainerData.of(c, new InspectContainerData.Context("/l/ctr.log", "/l",
                "runc", List.of(), null)));
        assertThat(i.path("Name").asString()).isEqualTo("web");
        assertThat(i.path("OCIRuntime").asString()).isEqualTo("runc");
        assertThat(i.path("ExecIDs").isArray()).isTrue();
        assertThat(i.path("State").path("ConmonPid").asInt()).isEqualTo(41);
        assertThat(i.path("State").path("OciVersion").asString()).isEqualTo("1.0.2");
        assertThat(i.path("State").path("Health").path("Status").asString()).isEmpty();
        assertThat(i.path("Config").path("StopSignal").isInt()).isTrue();
        assertThat(i.path("Config").path("Entrypoint").asString()).isEmpty();
        assertThat(i.path("HostConfig").path("LogConfig").path("Path").asString()).isEqualTo("/l/ctr.log");
        assertThat(i.path("HostConfig").path("RestartPolicy").path("Name").asString()).isEqualTo("on-failure");
    }

    @Test
    void imageInspectLeavesUnsetConfigOutAndMarksEmptyLayersOnly() {
        ImageConfig config = new ImageConfig(List.of("sh"), List.of(), List.of(), "", "", Map.of(), List.of("80/tcp"),
                List.of(), "");
        Image img = new Image("a".repeat(64), List.of("localhost/x:1"), Instant.parse("2026-01-01T00:00:00Z"), 10,
                List.of("sha256:l1"), config, "amd64", "linux", List.of(
                        new Image.HistoryEntry(Instant.parse("2026-01-01T00:00:00Z"), "ADD", "c", false),
                        new Image.HistoryEntry(null, "CMD", "", true)));
        JsonNode i = JSON.valueToTree(ImageData.of(img));
        assertThat(i.path("Config").propertyNames()).containsExactlyInAnyOrder("Cmd", "ExposedPorts");
        assertThat(i.path("Config").path("ExposedPorts").path("80/tcp").isObject()).isTrue();
        assertThat(i.has("Labels")).isTrue();
        assertThat(i.path("Labels").isNull()).isTrue();
        assertThat(i.path("History").path(0).has("empty_layer")).isFalse();
        assertThat(i.path("History").path(1).path("empty_layer").asBoolean()).isTrue();
        assertThat(i.path("History").path(1).path("created").asString()).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(i.path("RootFS").path("Layers").path(0).asString()).isEqualTo("sha256:l1");
        JsonNode row = JSON.valueToTree(LibpodImageSummary.of(img, 2));
        assertThat(row.path("Containers").asInt()).isEqualTo(2);
        assertThat(row.path("Labels").isNull()).isTrue();
        assertThat(row.path("SharedSize").asInt()).isZero();
    }
}
