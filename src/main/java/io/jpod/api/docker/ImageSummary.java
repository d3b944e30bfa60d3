package io.jpod.api.docker;

import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** One row of {@code GET /images/json} (Docker's {@code ImageSummary}); unknown counts are -1. */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ImageSummary(String id, String parentId, List<String> repoTags, List<String> repoDigests, long created,
        long size, long sharedSize, long virtualSize, Map<String, String> labels, int containers) {

    static ImageSummary of(Image img) {
        return new ImageSummary("sha256:" + img.id(), "", img.names().stream().map(DockerJson::imageName).toList(),
                img.digests().stream().map(ImageReference::familiarDigest).toList(), img.created().getEpochSecond(), img.size(), -1, img.size(), img.config().labels(), -1);
    }
}
