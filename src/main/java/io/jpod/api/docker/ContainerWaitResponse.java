package io.jpod.api.docker;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code POST /containers/{id}/wait} (Docker's {@code ContainerWaitResponse}). {@code Error}
 * is null unless waiting failed: the CLI treats any Error object, even an empty one, as a failure.
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ContainerWaitResponse(int statusCode, WaitExitError error) {

    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record WaitExitError(String message) {}

    static ContainerWaitResponse of(int code, String error) {
        return new ContainerWaitResponse(code, error == null ? null : new WaitExitError(error));
    }
}
