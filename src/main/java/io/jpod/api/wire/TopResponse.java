package io.jpod.api.wire;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET .../top}: the first row of {@code ps} as titles, the rest as processes (both APIs). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record TopResponse(List<String> titles, List<List<String>> processes) {

    public static TopResponse of(List<List<String>> rows) {
        return new TopResponse(rows.isEmpty() ? List.of() : rows.get(0),
                rows.size() > 1 ? rows.subList(1, rows.size()) : List.of());
    }
}
