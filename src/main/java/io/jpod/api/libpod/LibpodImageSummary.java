package io.jpod.api.libpod;

import io.jpod.image.Image;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** One row of {@code GET /libpod/images/json} (podman's {@code ImageSummary}); no labels is null. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record LibpodImageSummary(String id, String parentId, List<String> repoTags, List<String> repoDigests,
        long created, long size, long sharedSize, long virtualSize, Map<String, String> labels, int containers,
        List<String> names, String digest, List<String> history) {

    static LibpodImageSummary of(Image img, int containers) {
        var labels = img.config().labels();
        return new LibpodImageSummary(img.id(), "", img.names(), img.digests(), img.created().getEpochSecond(),
                img.size(), 0, img.size(), labels.isEmpty() ? null : labels, containers, img.names(),
                img.digests().isEmpty() ? "" : img.digests().get(0).substring(img.digests().get(0).indexOf('@') + 1),
                img.names());
    }
}
