package io.jpod.api.libpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.api.wire.Bodies;
import io.jpod.common.PortMapping;
import io.jpod.container.CreateRequest;
import io.jpod.error.EngineException;
import io.jpod.state.ContainerConfig.Mount;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** podman's SpecGenerator through its record into the engine's request. */
class LibpodCreateTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static CreateRequest create(String body) {
        JsonNode tree = Bodies.tree(JSON, body.getBytes(StandardCharsets.UTF_8), "spec");
        LibpodCreate.refuseUnsupported(tree);
        return LibpodCreate.request(Bodies.read(JSON, tree, SpecGenerator.class, "spec"));
    }

    @Test
    void readsTheSnakeCaseFieldsPodmanSends() {
        CreateRequest r = create("{\"name\":\"c\",\"image\":\"busybox\",\"command\":[\"sleep\",\"1\"],\"env\":{\"A\":"
                + "\"1\"},\"work_dir\":\"/w\",\"terminal\":true,\"stop_signal\":2,\"stop_timeout\":5,"
                + "\"restart_policy\":\"on-failure\",\"restart_tries\":2,\"remove\":true,\"pod\":\"p\","
                + "\"devices\":[],\"secrets\":null,\"unknown_field\":{}}");
        assertThat(r.name()).isEqualTo("c");
        assertThat(r.command()).containsExactly("sleep", "1");
        assertThat(r.entrypoint()).isNull();
        assertThat(r.env()).containsExactly("A=1");
        assertThat(r.workingDir()).isEqualTo("/w");
        assertThat(r.tty()).isTrue();
        assertThat(r.stopSignal()).isEqualTo("2");
        assertThat(r.stopTimeout()).isEqualTo(5);
        assertThat(r.restartPolicy()).isEqualTo("on-failure:2");
        assertThat(r.autoRemove()).isTrue();
        assertThat(r.pod()).isEqualTo("p");
    }

    @Test
    void aPortRangePublishesConsecutivePortsForEachProtocol() {
        CreateRequest r = create("{\"image\":\"b\",\"portmappings\":[{\"host_port\":8080,\"container_port\":80,"
                + "\"range\":2,\"protocol\":\"tcp,udp\"},{\"container_port\":90,\"range\":0}]}");
        assertThat(r.network().ports()).containsExactly(new PortMapping("", 8080, 80, "tcp"),
                new PortMapping("", 8081, 81, "tcp"), new PortMapping("", 8080, 80, "udp"),
                new PortMapping("", 8081, 81, "udp"), new PortMapping("", 0, 90, "tcp"));
    }

    @Test
    void networkModesAndTheDefaultNetworkName() {
        assertThat(create("{\"image\":\"b\",\"Networks\":{\"podman\":{}}}").network().networks()).isEmpty();
        assertThat(create("{\"image\":\"b\",\"netns\":{\"nsmode\":\"container\",\"value\":\"x\"}}").network().mode())
                .isEqualTo("container:x");
        assertThat(create("{\"image\":\"b\",\"netns\":{\"nsmode\":\"host\"}}").network().mode()).isEqualTo("host");
    }

    @Test
    void mountsAndNamedOrAnonymousVolumes() {
        CreateRequest r = create("{\"image\":\"b\",\"mounts\":[{\"source\":\"/srv\",\"destination\":\"/s\","
                + "\"options\":[\"ro\"]},{\"type\":\"tmpfs\",\"destination\":\"/t\"}],\"volumes\":[{\"Name\":\"v\","
                + "\"Dest\":\"/v\"},{\"Name\":\"ignored\",\"Dest\":\"/a\",\"IsAnonymous\":true}]}");
        assertThat(r.mounts()).containsExactly(new Mount("bind", "/srv", "/s", List.of("ro")),
                new Mount("tmpfs", "", "/t", List.of()), new Mount("volume", "v", "/v", List.of()),
                new Mount("volume", "", "/a", List.of()));
    }

    @Test
    void badSpecsAreInvalidArguments() {
        for (String body : List.of("{bad", "{\"image\":\"b\",\"command\":\"ls\"}",
                "{\"image\":\"b\",\"netns\":{\"nsmode\":\"pasta\"}}", "{\"image\":\"b\",\"userns\":{\"nsmode\":\"auto\"}}",
                "{\"image\":\"b\",\"env\":[1]}")) {
            assertThatThrownBy(() -> create(body)).as(body).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT));
        }
    }

    @Test
    void securityFieldsAsPodmanSendsThem() {
        CreateRequest.SecurityRequest s = create("{\"image\":\"b\",\"privileged\":true,\"cap_add\":[\"NET_ADMIN\"],"
                + "\"cap_drop\":[\"MKNOD\"],\"no_new_privileges\":true,\"seccomp_policy\":\"default\","
                + "\"seccomp_profile_path\":\"unconfined\",\"selinux_opts\":[\"disable\"],"
                + "\"read_only_filesystem\":true,\"read_write_tmpfs\":true,"
                + "\"devices\":[{\"path\":\"/dev/fuse:/dev/f\"}],"
                + "\"groups\":[\"10\"],\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"},\"userns\":{\"nsmode\":\"host\"},"
                + "\"pidns\":{\"nsmode\":\"host\"},\"ipcns\":{\"nsmode\":\"private\"},"
                + "\"utsns\":{\"nsmode\":\"container\",\"value\":\"abc\"}}").security();
        assertThat(s).isEqualTo(new CreateRequest.SecurityRequest(true, List.of("NET_ADMIN"), List.of("MKNOD"),
                List.of("no-new-privileges", "seccomp=unconfined", "label=disable"), true, true,
                List.of("/dev/fuse:/dev/f"), List.of("10"), java.util.Map.of("net.ipv4.ip_forward", "1"), "host",
                "host", "", "container:abc"));
        for (String body : List.of("{\"image\":\"b\",\"seccomp_policy\":\"image\"}",
                "{\"image\":\"b\",\"pidns\":{\"nsmode\":\"path\",\"value\":\"/proc/1/ns/pid\"}}",
                "{\"image\":\"b\",\"mask\":[\"/proc/x\"]}")) {
            assertThatThrownBy(() -> create(body)).as(body).isInstanceOf(EngineException.class);
        }
    }
}
