package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a container is, fixed at creation (libpod's ContainerConfig). Stored as JSON, so later
 * features add fields without a schema change. Only {@link #lockId} is ever rewritten (renumber).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerConfig(
        String id,
        String name,
        String namespace,
        String podId,
        int lockId,
        Instant created,
        String rootfsImageId,
        String rootfsImageName,
        List<String> command,
        Map<String, String> labels,
        boolean infra) {

    public ContainerConfig {
        namespace = namespace == null ? "" : namespace;
        command = command == null ? List.of() : List.copyOf(command);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public ContainerConfig withLockId(int newLockId) {
        return new ContainerConfig(id, name, namespace, podId, newLockId, created, rootfsImageId, rootfsImageName,
                command, labels, infra);
    }
}
