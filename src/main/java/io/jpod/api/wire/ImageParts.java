package io.jpod.api.wire;

import io.jpod.image.Image;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** Pieces of image inspect that both APIs show alike. */
public final class ImageParts {

    private ImageParts() {}

    /** {@code RootFS}: the layer digests. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record RootFs(String type, List<String> layers) {
        public static RootFs of(Image img) {
            return new RootFs("layers", img.layers());
        }
    }

    /** {@code GraphDriver}: always overlay, without details. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    public record GraphDriver(String name, Map<String, String> data) {
        public static final GraphDriver OVERLAY = new GraphDriver("overlay", Map.of());
    }

    /** A set as Docker writes one in JSON: each member a key with an empty object. */
    public static Map<String, Map<String, Object>> set(List<String> members) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        members.forEach(m -> out.put(m, Map.of()));
        return out;
    }

    /** The last history entry's comment, as both APIs show it at the top. */
    /** Docker's {@code Healthcheck} object, zero durations left out as Docker leaves them; null for none. */
    public static Map<String, Object> healthcheck(io.jpod.image.ImageConfig.Healthcheck h) {
        if (h == null) {
            return null;
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("Test", h.test());
        putPositive(m, "Interval", h.interval());
        putPositive(m, "Timeout", h.timeout());
        putPositive(m, "StartPeriod", h.startPeriod());
        putPositive(m, "StartInterval", h.startInterval());
        putPositive(m, "Retries", h.retries());
        return m;
    }

    private static void putPositive(Map<String, Object> m, String key, long value) {
        if (value > 0) {
            m.put(key, value);
        }
    }

    public static String comment(Image img) {
        return img.history().isEmpty() ? "" : img.history().get(img.history().size() - 1).comment();
    }
}
