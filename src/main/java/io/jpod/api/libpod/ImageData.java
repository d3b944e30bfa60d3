package io.jpod.api.libpod;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jpod.api.wire.ImageParts;
import io.jpod.image.Image;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET /libpod/images/{name}/json} (podman's {@code ImageData}). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ImageData(String id, String digest, List<String> repoTags, List<String> repoDigests, String parent,
        String comment, String created, Config config, String version, String author, String architecture,
        String os, long size, long virtualSize, ImageParts.GraphDriver graphDriver, ImageParts.RootFs rootFS,
        Map<String, String> labels, Map<String, String> annotations, String manifestType, String user,
        List<History> history, List<String> namesHistory) {

    /** The OCI image config: fields the image leaves unset are left out, as podman does. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    record Config(String user, Map<String, Map<String, Object>> exposedPorts, List<String> env,
            List<String> entrypoint, List<String> cmd, Map<String, Map<String, Object>> volumes, String workingDir,
            Map<String, String> labels, String stopSignal) {}

    /** An OCI history entry (snake_case); {@code empty_layer} only when true. */
    record History(String created, @JsonProperty("created_by") String createdBy, String comment,
            @JsonProperty("empty_layer") @JsonInclude(JsonInclude.Include.NON_NULL) Boolean emptyLayer) {}

    static ImageData of(Image img) {
        var c = img.config();
        Config config = new Config(c.user(), ImageParts.set(c.exposedPorts()), c.env(), c.entrypoint(), c.cmd(),
                ImageParts.set(c.volumes()), c.workingDir(), c.labels(), c.stopSignal());
        List<History> history = img.history().stream().map(h -> new History(LibpodJson.time(h.created()),
                h.createdBy(), h.comment(), h.emptyLayer() ? Boolean.TRUE : null)).toList();
        return new ImageData(img.id(), img.digests().isEmpty() ? "" : img.digests().get(0).substring(img.digests().get(0).indexOf('@') + 1), img.names(), img.digests(), "", ImageParts.comment(img),
                LibpodJson.time(img.created()), config, "", "", img.architecture(), img.os(), img.size(),
                img.size(), ImageParts.GraphDriver.OVERLAY, ImageParts.RootFs.of(img),
                c.labels().isEmpty() ? null : c.labels(), Map.of(), "application/vnd.oci.image.manifest.v1+json",
                c.user(), history, img.names());
    }
}
