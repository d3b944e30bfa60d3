package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /libpod/pods/create} (podman's {@code PodSpecGenerator}): the fields jpod
 * reads. {@code shared_namespaces} stays null when absent (the default set then).
 */
record PodSpecGenerator(String name, Map<String, String> labels,
        @JsonProperty("shared_namespaces") List<String> sharedNamespaces, @JsonProperty("no_infra") boolean noInfra,
        @JsonProperty("infra_image") String infraImage, @JsonProperty("infra_command") List<String> infraCommand,
        List<SpecGenerator.PortMappingSpec> portmappings) {

    PodSpecGenerator {
        name = name == null ? "" : name;
        labels = labels == null ? Map.of() : labels;
        infraImage = infraImage == null ? "" : infraImage;
        infraCommand = infraCommand == null ? List.of() : infraCommand;
        portmappings = portmappings == null ? List.of() : portmappings;
    }
}
