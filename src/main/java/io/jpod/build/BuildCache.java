package io.jpod.build;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The build cache: which image a step made from a parent image, an instruction and (for COPY and
 * ADD) the content it added. A step whose key is known reuses that image; entries whose image was
 * removed are forgotten. Kept in one small JSON file next to the image store.
 */
public final class BuildCache {

    private final Path file;
    private final ImageStore images;
    private final JsonMapper json;
    private Map<String, String> entries;

    public BuildCache(Path file, ImageStore images, JsonMapper json) {
        this.file = file;
        this.images = images;
        this.json = json;
    }

    /** The key of a step: the image it runs on, what it does, and what it copies. */
    static String key(String parentId, String instruction, String content) {
        var sha = io.jpod.image.LayerBlobs.sha256();
        for (String part : new String[] {parentId, instruction, content}) {
            sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    synchronized Optional<Image> lookup(String key) {
        String id = load().get(key);
        if (id == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(images.lookup(id));
        } catch (EngineException gone) {
            load().remove(key);
            return Optional.empty();
        }
    }

    synchronized void record(String key, String imageId) {
        load().put(key, imageId);
        save();
    }

    /** Forgets everything (a prune); the intermediate images go with {@link ImageStore#pruneIntermediate}. */
    public synchronized void clear() {
        entries = new LinkedHashMap<>();
        save();
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> load() {
        if (entries == null) {
            entries = new LinkedHashMap<>();
            if (Files.isRegularFile(file)) {
                try {
                    entries.putAll(json.readValue(file.toFile(), Map.class));
                } catch (RuntimeException corrupt) {
                    // a cache is only a shortcut: start afresh
                }
            }
        }
        return entries;
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, json.writeValueAsBytes(entries));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw EngineException.internal("writing the build cache " + file + ": " + e.getMessage(), e);
        }
    }
}
