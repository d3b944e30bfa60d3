package io.jpod.api.shared;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The exec start body, the same in both APIs: {@code Detach} answers at once. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ExecStartConfig(boolean detach, boolean tty) {}
