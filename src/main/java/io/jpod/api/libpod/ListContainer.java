package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.api.wire.PortBinding;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One row of {@code GET /libpod/containers/json} (podman's {@code ListContainer}): {@code Created} is
 * RFC 3339, {@code StartedAt} and {@code ExitedAt} Unix seconds, as podman's client decodes them.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ListContainer(boolean autoRemove, List<String> command, String created, String createdAt, boolean exited,
        long exitedAt, int exitCode, String id, String image, @JsonProperty("ImageID") String imageId,
        boolean isInfra, Map<String, String> labels, List<String> mounts, List<String> names,
        Map<String, String> namespaces, List<String> networks, int pid, String pod, String podName,
        List<PortMappingJson> ports, Long size, long startedAt, String state, String status) {

    /** podman's {@code PortMapping}: snake_case, one row per published port. */
    record PortMappingJson(@JsonProperty("host_ip") String hostIp, @JsonProperty("container_port") int containerPort,
            @JsonProperty("host_port") int hostPort, int range, String protocol) {}

    static ListContainer of(StoredContainer c, String podName) {
        var run = c.config().run();
        ContainerState st = c.state();
        ContainerStatus s = st.status();
        List<PortMappingJson> ports = PortBinding.ports(c).stream().map(p -> new PortMappingJson(p.hostIp(),
                p.containerPort(), p.hostPort(), 1, p.protocol())).toList();
        return new ListContainer(run != null && run.autoRemove(), LibpodJson.args(c),
                LibpodJson.time(c.config().created()), "", s == ContainerStatus.EXITED || s == ContainerStatus.STOPPED,
                LibpodJson.unix(st.finishedAt()), st.exitCode(), c.id(), LibpodJson.imageName(c),
                c.config().rootfsImageId(), c.config().infra(), c.config().labels(),
                run == null ? List.of() : run.mounts().stream().map(m -> m.destination()).toList(),
                List.of(c.name()), Map.of(), run == null ? List.of() : run.networks(),
                LibpodJson.running(s) || s == ContainerStatus.PAUSED ? st.pid() : 0,
                c.config().podId() == null ? "" : c.config().podId(), podName == null ? "" : podName, ports, null,
                LibpodJson.unix(st.startedAt()), s.display(), healthStatus(c));
    }

    /** podman's {@code Status}: the health status, which podman ps shows in brackets; empty without checks. */
    private static String healthStatus(StoredContainer c) {
        var h = io.jpod.container.Healthchecks.current(c);
        return h == null ? "" : h.status();
    }
}
