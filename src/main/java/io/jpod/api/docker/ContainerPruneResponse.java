package io.jpod.api.docker;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The body of {@code POST /containers/prune} (Docker's {@code ContainerPruneResponse}); space is not counted. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ContainerPruneResponse(List<String> containersDeleted, long spaceReclaimed) {}
