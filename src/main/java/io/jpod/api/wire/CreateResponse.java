package io.jpod.api.wire;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The answer to a create (containers in both APIs): the new ID and warnings (none so far). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record CreateResponse(String id, List<String> warnings) {

    public static CreateResponse of(String id) {
        return new CreateResponse(id, List.of());
    }
}
