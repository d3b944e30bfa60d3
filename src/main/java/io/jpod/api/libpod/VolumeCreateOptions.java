package io.jpod.api.libpod;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code POST /libpod/volumes/create} (podman's {@code VolumeCreateOptions}): labels come
 * as {@code Label} (podman's client) or {@code Labels}; the driver defaults to local.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record VolumeCreateOptions(String name, String driver, Map<String, String> label, Map<String, String> labels,
        Map<String, String> options) {

    VolumeCreateOptions {
        name = name == null ? "" : name;
        driver = driver == null ? "local" : driver;
        options = options == null ? Map.of() : options;
    }

    /** {@code Label} and {@code Labels} together; {@code Labels} wins a clash. */
    Map<String, String> allLabels() {
        Map<String, String> out = new LinkedHashMap<>();
        if (label != null) {
            out.putAll(label);
        }
        if (labels != null) {
            out.putAll(labels);
        }
        return out;
    }
}
