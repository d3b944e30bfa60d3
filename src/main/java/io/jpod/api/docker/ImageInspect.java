package io.jpod.api.docker;

import io.jpod.api.wire.ImageParts;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** {@code GET /images/{name}/json} (Docker's {@code ImageInspect}). */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
record ImageInspect(String id, List<String> repoTags, List<String> repoDigests, String parent, String comment,
        String created, String architecture, String os, long size, long virtualSize, Config config,
        ImageParts.RootFs rootFS, ImageParts.GraphDriver graphDriver) {

    /** The image's run configuration; an empty command or entrypoint shows as null. */
    @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
    record Config(List<String> cmd, List<String> entrypoint, List<String> env, String workingDir, String user,
            Map<String, String> labels, Map<String, Map<String, Object>> exposedPorts,
            Map<String, Map<String, Object>> volumes, String stopSignal, Map<String, Object> healthcheck,
            List<String> onBuild, List<String> shell) {}

    static ImageInspect of(Image img) {
        var c = img.config();
        Config config = new Config(c.cmd().isEmpty() ? null : c.cmd(),
                c.entrypoint().isEmpty() ? null : c.entrypoint(), c.env(), c.workingDir(), c.user(), c.labels(),
                ImageParts.set(c.exposedPorts()), ImageParts.set(c.volumes()), c.stopSignal(),
                ImageParts.healthcheck(c.healthcheck()), c.onBuild().isEmpty() ? null : c.onBuild(),
                c.shell().isEmpty() ? null : c.shell());
        return new ImageInspect("sha256:" + img.id(), img.names().stream().map(DockerJson::imageName).toList(),
                img.digests().stream().map(ImageReference::familiarDigest).toList(), "", ImageParts.comment(img), img.created().toString(), img.architecture(), img.os(),
                img.size(), img.size(), config, ImageParts.RootFs.of(img), ImageParts.GraphDriver.OVERLAY);
    }
}
