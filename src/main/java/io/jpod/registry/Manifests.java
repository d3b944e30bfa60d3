package io.jpod.registry;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The manifest formats of the distribution API, and what jpod reads from them. */
final class Manifests {

    static final String DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_V1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    static final String DOCKER_V1 = "application/vnd.docker.distribution.manifest.v1+json";
    static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    static final String DOCKER_FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";

    /** What jpod asks for, best first. */
    static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_V2, DOCKER_V1_SIGNED);

    private Manifests() {}

    /** A blob a manifest names. */
    record Descriptor(String mediaType, String digest, long size) {}

    /** An image manifest: its config and layers. */
    record ImageManifest(Descriptor config, List<Descriptor> layers) {}

    /** The media type: the {@code Content-Type} header, or the manifest's own field when that is vague. */
    static String mediaType(String contentType, JsonNode body) {
        String declared = body.path("mediaType").asString("");
        String header = contentType == null ? "" : contentType.split(";")[0].strip();
        if (!header.isEmpty() && !header.equals("application/json") && !header.equals("text/plain")) {
            return header;
        }
        if (!declared.isEmpty()) {
            return declared;
        }
        if (body.path("schemaVersion").asInt() == 1) {
            return DOCKER_V1;
        }
        // an OCI artifact without mediaType: an index has manifests, an image a config
        return body.has("manifests") ? OCI_INDEX : OCI_MANIFEST;
    }

    static boolean isIndex(String mediaType) {
        return mediaType.equals(DOCKER_LIST) || mediaType.equals(OCI_INDEX);
    }

    static boolean isImage(String mediaType) {
        return mediaType.equals(DOCKER_V2) || mediaType.equals(OCI_MANIFEST);
    }

    static void refuseUnknown(String mediaType, String name) {
        if (mediaType.equals(DOCKER_V1) || mediaType.equals(DOCKER_V1_SIGNED)) {
            throw EngineException.invalidArgument(name + " has a Docker schema 1 manifest, which is deprecated and "
                    + "not supported: push the image again with a current client");
        }
        if (!isIndex(mediaType) && !isImage(mediaType)) {
            throw EngineException.invalidArgument(name + " is not a container image (its manifest is "
                    + mediaType + ")");
        }
    }

    /** The entry of an index for {@code platform}; none is a clear {@code NOT_FOUND} listing what there is. */
    static Descriptor choose(JsonNode index, Platform platform, String name) {
        List<String> offered = new ArrayList<>();
        for (JsonNode m : index.path("manifests").values()) {
            JsonNode p = m.path("platform");
            String os = p.path("os").asString("");
            String arch = p.path("architecture").asString("");
            String variant = p.path("variant").asString("");
            if (os.isEmpty() || os.equals("unknown")) {
                continue; // attestations and other artifacts
            }
            offered.add(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
            if (platform.accepts(os, arch, variant)) {
                return new Descriptor(m.path("mediaType").asString(""), m.path("digest").asString(""),
                        m.path("size").asLong(-1));
            }
        }
        throw EngineException.notFound(name + " has no image for " + platform + " (it has: "
                + (offered.isEmpty() ? "none" : String.join(", ", offered)) + ")");
    }

    static ImageManifest image(JsonNode manifest, String name) {
        JsonNode c = manifest.path("config");
        if (c.isMissingNode() || c.path("digest").asString("").isEmpty()) {
            throw EngineException.remoteFailure(name + ": its manifest names no config", null);
        }
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : manifest.path("layers").values()) {
            String type = l.path("mediaType").asString("");
            if (type.equals(OCI_LAYER_ZSTD) || type.endsWith("+zstd")) {
                throw EngineException.invalidArgument(name + " has zstd-compressed layers, which jpod cannot unpack "
                        + "yet: push it with gzip layers");
            }
            if (type.equals(DOCKER_FOREIGN_LAYER) || type.contains("nondistributable")) {
                throw EngineException.invalidArgument(name + " has foreign (non-distributable) layers, which jpod "
                        + "does not fetch");
            }
            layers.add(new Descriptor(type, l.path("digest").asString(""), l.path("size").asLong(-1)));
        }
        return new ImageManifest(new Descriptor(c.path("mediaType").asString(""), c.path("digest").asString(""),
                c.path("size").asLong(-1)), layers);
    }

    static String shortId(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }
}
