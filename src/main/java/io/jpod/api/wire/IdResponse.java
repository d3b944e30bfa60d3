package io.jpod.api.wire;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** An answer that is just the new object's ID: {@code {"Id": "…"}}. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record IdResponse(String id) {}
