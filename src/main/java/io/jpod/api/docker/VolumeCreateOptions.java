package io.jpod.api.docker;

import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The body of {@code POST /volumes/create} (Docker's {@code VolumeCreateOptions}); the driver defaults to local. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record VolumeCreateOptions(String name, String driver, Map<String, String> driverOpts, Map<String, String> labels) {

    VolumeCreateOptions {
        name = name == null ? "" : name;
        driver = driver == null ? "local" : driver;
        driverOpts = driverOpts == null ? Map.of() : driverOpts;
        labels = labels == null ? Map.of() : labels;
    }
}
