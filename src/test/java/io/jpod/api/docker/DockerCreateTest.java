package io.jpod.api.docker;

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
import tools.jackson.databind.json.JsonMapper;

/** Docker's create body through its record into the engine's request, as the docker CLI sends it. */
class DockerCreateTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static CreateRequest create(String body) {
        var req = Bodies.read(JSON, body.getBytes(StandardCharsets.UTF_8), ContainerCreateRequest.class, "body");
        return DockerCreate.request("n", req);
    }

    @Test
    void shellFormRunsUnderShAndAnEmptyEntrypointClearsTheImages() {
        CreateRequest r = create("{\"Image\":\"busybox\",\"Cmd\":\"echo hi\",\"Entrypoint\":[\"\"]}");
        assertThat(r.command()).containsExactly("/bin/sh", "-c", "echo hi");
        assertThat(r.entrypoint()).isEmpty();
        assertThat(create("{\"Image\":\"busybox\"}").entrypoint()).isNull();
        assertThat(create("{\"Image\":\"busybox\"}").command()).isNull();
    }

    @Test
    void toleratesUnknownFieldsAndNullsWhereTheCliSendsThem() {
        CreateRequest r = create("{\"Image\":\"busybox\",\"Tty\":null,\"StopTimeout\":null,\"Whatever\":{\"x\":1},"
                + "\"HostConfig\":{\"AutoRemove\":true,\"Binds\":null,\"Mounts\":null,\"Unknown\":3},"
                + "\"NetworkingConfig\":{\"EndpointsConfig\":null}}");
        assertThat(r.image()).isEqualTo("busybox");
        assertThat(r.tty()).isFalse();
        assertThat(r.stopTimeout()).isNull();
        assertThat(r.autoRemove()).isTrue();
        assertThat(r.mounts()).isEmpty();
        assertThat(r.name()).isEqualTo("n");
    }

    @Test
    void portBindingsWithoutHostSideGetAnyPortAndProtocolDefaultsToTcp() {
        CreateRequest r = create("{\"Image\":\"b\",\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostIp\":"
                + "\"127.0.0.1\",\"HostPort\":\"8080\"}],\"53/udp\":null,\"90\":[{\"HostPort\":\"\"}]},"
                + "\"NetworkMode\":\"net1\"},\"NetworkingConfig\":{\"EndpointsConfig\":{\"net1\":{},\"net2\":{}}}}");
        assertThat(r.network().ports()).containsExactly(new PortMapping("127.0.0.1", 8080, 80, "tcp"),
                new PortMapping("", 0, 53, "udp"), new PortMapping("", 0, 90, "tcp"));
        assertThat(r.network().mode()).isEqualTo("net1");
        assertThat(r.network().networks()).containsExactly("net2");
    }

    @Test
    void mountsBindsTmpfsAndAnonymousVolumesBecomeEngineMounts() {
        CreateRequest r = create("{\"Image\":\"b\",\"Volumes\":{\"/anon\":{},\"/data\":{}},\"HostConfig\":{"
                + "\"Binds\":[\"vol1:/data:ro\"],\"Tmpfs\":{\"/t\":\"size=1m,mode=1777\"},\"Mounts\":[{\"Type\":"
                + "\"bind\",\"Source\":\"/srv\",\"Target\":\"/s\",\"ReadOnly\":true,\"BindOptions\":{\"Propagation\":"
                + "\"rslave\"}},{\"Target\":\"/v\",\"VolumeOptions\":{\"NoCopy\":true}},{\"Type\":\"tmpfs\",\"Target\":"
                + "\"/m\",\"TmpfsOptions\":{\"SizeBytes\":1024,\"Mode\":448}}]}}");
        assertThat(r.mounts()).containsExactly(new Mount("volume", "vol1", "/data", List.of("ro")),
                new Mount("bind", "/srv", "/s", List.of("ro", "rslave")),
                new Mount("volume", "", "/v", List.of("nocopy")),
                new Mount("tmpfs", "", "/m", List.of("size=1024", "mode=700")),
                new Mount("tmpfs", "tmpfs", "/t", List.of("size=1m", "mode=1777")),
                new Mount("volume", "", "/anon", List.of()));
    }

    @Test
    void restartPolicyCarriesItsRetries() {
        CreateRequest r = create("{\"Image\":\"b\",\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"on-failure\","
                + "\"MaximumRetryCount\":3}}}");
        assertThat(r.restartPolicy()).isEqualTo("on-failure:3");
    }

    @Test
    void badBodiesAndUnsupportedFeaturesAreInvalidArguments() {
        for (String body : List.of("{bad", "{\"Cmd\":5}", "{\"Env\":{\"a\":1}}", "{\"HostConfig\":{\"PortBindings\":"
                + "{\"x/tcp\":[]}}}", "{\"HostConfig\":{\"PublishAllPorts\":true}}",
                "{\"HostConfig\":{\"DeviceCgroupRules\":[\"c 1:3 rwm\"]}}",
                "{\"HostConfig\":{\"Capabilities\":[\"CAP_KILL\"]}}", "{\"HostConfig\":{\"MaskedPaths\":[]}}")) {
            assertThatThrownBy(() -> create(body)).as(body).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT));
        }
    }

    @Test
    void aWrongTypeNamesTheFieldInTheClientsTermsAndNoJavaType() {
        assertThatThrownBy(() -> create("{\"HostConfig\":{\"Binds\":{\"a\":1}}}"))
                .hasMessage("body is not valid: \"HostConfig.Binds\" expected a list");
        assertThatThrownBy(() -> create("{\"Cmd\":5}"))
                .hasMessage("body is not valid: \"Cmd\" expected a string or a list of strings, got 5");
    }

    @Test
    void securityFieldsAsTheDockerCliSendsThem() {
        CreateRequest.SecurityRequest s = create("{\"Image\":\"b\",\"HostConfig\":{\"Privileged\":true,"
                + "\"CapAdd\":[\"CAP_NET_ADMIN\"],\"CapDrop\":[\"CAP_MKNOD\"],\"SecurityOpt\":"
                + "[\"no-new-privileges\"],\"ReadonlyRootfs\":true,\"Devices\":[{\"PathOnHost\":\"/dev/fuse\","
                + "\"PathInContainer\":\"\",\"CgroupPermissions\":\"rw\"}],\"GroupAdd\":[\"audio\"],"
                + "\"Sysctls\":{\"kernel.shmmax\":\"1\"},\"UsernsMode\":\"host\",\"PidMode\":\"host\","
                + "\"IpcMode\":\"container:x\",\"UTSMode\":\"host\"}}").security();
        assertThat(s).isEqualTo(new CreateRequest.SecurityRequest(true, List.of("CAP_NET_ADMIN"),
                List.of("CAP_MKNOD"), List.of("no-new-privileges"), true, null, List.of("/dev/fuse:/dev/fuse:rw"),
                List.of("audio"), java.util.Map.of("kernel.shmmax", "1"), "host", "host", "container:x", "host"));
        assertThat(create("{\"Image\":\"b\"}").security()).isEqualTo(CreateRequest.SecurityRequest.NONE);
    }
}
