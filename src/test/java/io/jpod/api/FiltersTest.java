package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class FiltersTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static void invalid(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void listAndSetFormsAndNoFilterAtAll() {
        assertThat(Filters.parse(JSON, null)).isEmpty();
        assertThat(Filters.parse(JSON, " ")).isEmpty();
        assertThat(Filters.parse(JSON, "{}")).isEmpty();
        assertThat(Filters.parse(JSON, "{\"name\":[\"a\",\"b\"],\"label\":{\"x=1\":true}}"))
                .isEqualTo(Map.of("name", List.of("a", "b"), "label", List.of("x=1")));
    }

    @Test
    void whatDoesNotParseOrHasTheWrongShapeIsRefused() {
        invalid(() -> Filters.parse(JSON, "{"), "not JSON");
        invalid(() -> Filters.parse(JSON, "[\"name\"]"), "not a JSON object");
        invalid(() -> Filters.parse(JSON, "null"), "not a JSON object");
        invalid(() -> Filters.parse(JSON, "{\"name\":\"web\"}"), "'name' must be a list");
        invalid(() -> Filters.parse(JSON, "{\"name\":[1]}"), "must be strings");
        invalid(() -> Filters.parse(JSON, "{\"name\":{\"web\":\"yes\"}}"), "true or false");
    }

    @Test
    void keysOutsideTheAcceptedOnesAreRefused() {
        assertThat(Filters.parse(JSON, "{\"type\":[\"image\"]}", Set.of("type"))).containsKey("type");
        invalid(() -> Filters.parse(JSON, "{\"bogus\":[\"x\"]}", Set.of("type")), "invalid filter 'bogus'");
        assertThat(Filters.prune(JSON, "{\"dangling\":[\"false\"]}", Set.of("dangling")))
                .containsEntry("dangling", List.of("false"));
        invalid(() -> Filters.prune(JSON, "{\"label\":[\"keep\"]}", Set.of()), "nothing was removed");
        invalid(() -> Filters.prune(JSON, "{\"until\":[\"1h\"]}", Set.of("dangling")), "takes only [dangling]");
    }
}
