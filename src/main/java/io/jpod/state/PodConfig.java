package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a pod is, fixed at creation (libpod's PodConfig). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PodConfig(
        String id,
        String name,
        String namespace,
        int lockId,
        Instant created,
        Map<String, String> labels,
        String cgroupParent,
        boolean usePodCgroup,
        List<String> sharedNamespaces,
        boolean hasInfra) {

    public PodConfig {
        namespace = namespace == null ? "" : namespace;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        cgroupParent = cgroupParent == null ? "" : cgroupParent;
        sharedNamespaces = sharedNamespaces == null ? List.of() : List.copyOf(sharedNamespaces);
    }

    public PodConfig withLockId(int newLockId) {
        return new PodConfig(id, name, namespace, newLockId, created, labels, cgroupParent, usePodCgroup,
                sharedNamespaces, hasInfra);
    }
}
