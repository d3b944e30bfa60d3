package io.jpod.image;

import io.jpod.error.EngineException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a {@code docker save} archive or an OCI image layout archive into images ready to commit:
 * configs read and layers extracted into a staging directory, every image checked before any is
 * committed, so a bad archive leaves nothing in the store.
 */
final class ArchiveLoader {

    /** Extracts one layer tar into {@code dir} in the store's layer format; returns its diff ID. */
    @FunctionalInterface
    interface LayerStager {
        String stage(InputStream tar, Path dir);
    }

    /** An image of the archive, checked: its layers are extracted, in order, under {@code layerDirs}. */
    record Staged(byte[] config, List<String> diffIds, List<Path> layerDirs, List<ImageReference> refs,
            Instant created) {}

    private final JsonMapper json;
    private final LayerStager stager;

    ArchiveLoader(JsonMapper json, LayerStager stager) {
        this.json = json;
        this.stager = stager;
    }

    /** Unpacks into {@code work} and stages under {@code staging}; the caller removes both. */
    List<Staged> read(InputStream archive, Path work, Path staging) {
        try {
            unpack(archive, work);
            Files.createDirectories(staging);
            if (Files.isRegularFile(work.resolve("manifest.json"))) {
                return dockerArchive(work, staging);
            }
            if (Files.isRegularFile(work.resolve("index.json"))) {
                return ociLayout(work, staging);
            }
            throw EngineException.invalidArgument("not an image archive: it has neither manifest.json (docker save) "
                    + "nor index.json (OCI layout)");
        } catch (IOException | tools.jackson.core.JacksonException e) {
            throw EngineException.invalidArgument("reading image archive: " + e.getMessage());
        }
    }

    private List<Staged> dockerArchive(Path work, Path staging) throws IOException {
        JsonNode manifest = json.readTree(work.resolve("manifest.json").toFile());
        List<Staged> out = new ArrayList<>();
        for (JsonNode entry : manifest.values()) {
            byte[] config = Files.readAllBytes(inside(work, entry.path("Config").asString()));
            List<Path> layers = new ArrayList<>();
            for (JsonNode layer : entry.path("Layers").values()) {
                layers.add(inside(work, layer.asString()));
            }
            List<ImageReference> refs = new ArrayList<>();
            entry.path("RepoTags").values().forEach(t -> refs.add(ImageReference.parse(t.asString())));
            out.add(stage(config, layers, refs, staging));
        }
        return out;
    }

    private List<Staged> ociLayout(Path work, Path staging) throws IOException {
        JsonNode index = json.readTree(work.resolve("index.json").toFile());
        List<Staged> out = new ArrayList<>();
        for (JsonNode desc : index.path("manifests").values()) {
            JsonNode manifest = json.readTree(blob(work, desc.path("digest").asString()).toFile());
            byte[] config = Files.readAllBytes(blob(work, manifest.path("config").path("digest").asString()));
            List<Path> layers = new ArrayList<>();
            for (JsonNode layer : manifest.path("layers").values()) {
                layers.add(blob(work, layer.path("digest").asString()));
            }
            List<ImageReference> refs = new ArrayList<>();
            String refName = desc.path("annotations").path("org.opencontainers.image.ref.name").asString("");
            if (!refName.isEmpty()) {
                refs.add(ImageReference.parse(refName.contains(":") || refName.contains("/") ? refName
                        : "localhost/oci-image:" + refName));
            }
            out.add(stage(config, layers, refs, staging));
        }
        return out;
    }

    /** Extracts the layers and checks them against the config's list of diff IDs. */
    private Staged stage(byte[] config, List<Path> layerTars, List<ImageReference> refs, Path staging)
            throws IOException {
        List<String> diffIds = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (Path tar : layerTars) {
            Path dir = staging.resolve(UUID.randomUUID().toString());
            try (InputStream in = Files.newInputStream(tar)) {
                diffIds.add(stager.stage(in, dir));
            }
            dirs.add(dir);
        }
        JsonNode cfg = json.readTree(config);
        List<String> declared = ConfigJson.strings(cfg.path("rootfs").path("diff_ids"));
        if (!declared.equals(diffIds)) {
            throw EngineException.invalidArgument("image archive is inconsistent: its config lists layers " + declared
                    + " but the layers' contents hash to " + diffIds);
        }
        return new Staged(config, diffIds, dirs, refs, ConfigJson.parseInstant(cfg.path("created").asString("")));
    }

    private static Path blob(Path work, String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw EngineException.invalidArgument("invalid digest in OCI layout: " + digest);
        }
        return inside(work, "blobs/sha256/" + digest.substring(7));
    }

    private static Path inside(Path work, String name) {
        Path p = work.resolve(name).normalize();
        if (!p.startsWith(work) || !Files.isRegularFile(p)) {
            throw EngineException.invalidArgument("image archive names a missing or outside file: " + name);
        }
        return p;
    }

    /** Unpacks an archive's plain files (layer tars, JSON) into {@code work}. */
    private static void unpack(InputStream archive, Path work) throws IOException {
        Files.createDirectories(work);
        TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(archive));
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            Path dest = work.resolve(e.getName()).normalize();
            if (!dest.startsWith(work)) {
                throw EngineException.invalidArgument("image archive entry \"" + e.getName()
                        + "\" escapes the archive");
            }
            if (e.isDirectory()) {
                Files.createDirectories(dest);
            } else if (e.isFile()) {
                Files.createDirectories(dest.getParent());
                Files.copy(tar, dest);
            }
        }
    }
}
