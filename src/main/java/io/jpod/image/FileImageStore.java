package io.jpod.image;

import io.jpod.lock.LockOrder;
import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.storage.LayerExtractor;
import io.jpod.storage.Trees;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The image store on disk, under the graph root:
 * <pre>
 *   layers/&lt;diff-id hex&gt;/diff          a layer's files (overlayfs format)
 *   layers/&lt;diff-id hex&gt;/layer.tar.gz  the layer's archive, gzip-compressed, as pulled or imported
 *   layers/&lt;diff-id hex&gt;/layer.json    its size, and the archive's digest and size
 *   images/&lt;id&gt;/config.json            the image config, byte for byte (id = its SHA-256)
 *   images/&lt;id&gt;/image.json             names, repository digests and creation time
 *   tmp/                                 work in progress, moved into place when complete
 * </pre>
 * The archive is kept beside the files because a layer must leave the store byte for byte as it
 * came in (its SHA-256 uncompressed is the diff ID the config names): {@code save} and {@code push}
 * stream it back out; a tar rebuilt from the files would hash differently.
 * Everything is written under {@code tmp/} and renamed into place, so a crash never leaves a
 * half-written layer or image visible; an archive is read and checked whole ({@link ArchiveLoader},
 * configs through {@link ConfigJson}) before anything of it is moved into place.
 */
public final class FileImageStore implements ImageStore {

    private static final String BLOB = "layer.tar.gz";

    private final Path layersDir;
    private final Path imagesDir;
    private final Path tmpDir;
    private final JsonMapper json;
    private final ReentrantLock mutex = LockOrder.ordered(LockOrder.Level.IMAGES);
    /** Layers stored for an image not committed yet (a pull in progress): removals must not collect them. */
    private final Map<String, Integer> pinned = new java.util.HashMap<>();

    public FileImageStore(Path graphRoot, JsonMapper json) {
        this.layersDir = graphRoot.resolve("layers");
        this.imagesDir = graphRoot.resolve("images");
        this.tmpDir = graphRoot.resolve("tmp");
        this.json = json;
        try {
            Files.createDirectories(layersDir);
            Files.createDirectories(imagesDir);
            Files.createDirectories(tmpDir);
            // work a previous daemon left when it died: never visible, so nothing refers to it
            try (Stream<Path> left = Files.list(tmpDir)) {
                left.forEach(Trees::delete);
            }
        } catch (IOException e) {
            throw EngineException.internal("creating the image store under " + graphRoot + ": " + e.getMessage(), e);
        }
    }

    // ---- writing ---------------------------------------------------------------------------

    @Override
    public Image importRootfs(InputStream tar, List<String> names, List<String> changes, String message) {
        List<ImageReference> refs = names.stream().map(ImageReference::parse).toList();
        ImageConfig config = ImageChanges.apply(ImageConfig.empty(), changes);
        String diffId = storeLayer(tar);
        Instant now = Instant.now();
        byte[] configBytes = ConfigJson.write(json, config, List.of(diffId), now,
                List.of(new Image.HistoryEntry(now, "jpod import", message == null ? "" : message, false)));
        return commitImage(configBytes, refs, now, List.of(), false);
    }

    @Override
    public List<Image> load(InputStream archive) {
        String run = UUID.randomUUID().toString();
        Path work = tmpDir.resolve("load-" + run);
        Path staging = tmpDir.resolve("stage-" + run);
        try {
            List<ArchiveLoader.Staged> staged = new ArchiveLoader(json, this::stageLayer).read(archive, work, staging);
            List<Image> out = new ArrayList<>();
            for (ArchiveLoader.Staged s : staged) {
                for (int i = 0; i < s.layerDirs().size(); i++) {
                    publishLayer(s.layerDirs().get(i), s.diffIds().get(i));
                }
                out.add(commitImage(s.config(), s.refs(), s.created(), List.of(), false));
            }
            return out;
        } finally {
            Trees.delete(work);
            Trees.delete(staging);
        }
    }

    /** Stores a layer once by diff ID; returns {@code sha256:<hex>}. */
    private String storeLayer(InputStream in) {
        Path work = tmpDir.resolve("layer-" + UUID.randomUUID());
        try {
            String diffId = stageLayer(in, work);
            publishLayer(work, diffId);
            return diffId;
        } finally {
            Trees.delete(work);
        }
    }

    /**
     * Extracts a layer into {@code dir} ({@code diff/}, {@code layer.tar.gz}, {@code layer.json}), not
     * yet visible. The archive is kept as it arrives when gzip-compressed, compressed on the way otherwise.
     */
    private String stageLayer(InputStream in, Path dir) {
        try {
            Files.createDirectories(dir);
            BufferedInputStream buffered = new BufferedInputStream(in, 65536);
            boolean gzip = LayerBlobs.isGzip(buffered);
            MessageDigest sha = LayerBlobs.sha256();
            LayerExtractor.Result r;
            try (OutputStream file = new DigestOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(dir.resolve(BLOB)), 65536), sha)) {
                OutputStream sink = gzip ? file : LayerBlobs.fastGzip(file);
                InputStream tee = LayerBlobs.tee(buffered, sink);
                r = LayerExtractor.extract(tee, dir.resolve("diff"));
                tee.transferTo(OutputStream.nullOutputStream());
                if (sink instanceof java.util.zip.GZIPOutputStream gz) {
                    gz.finish();
                }
            }
            writeLayerMeta(dir, r, "sha256:" + HexFormat.of().formatHex(sha.digest()), Files.size(dir.resolve(BLOB)));
            return r.diffId();
        } catch (IOException e) {
            throw EngineException.invalidArgument("invalid layer: " + e.getMessage());
        }
    }

    private void writeLayerMeta(Path dir, LayerExtractor.Result r, String blobDigest, long blobSize) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("diffId", r.diffId());
        m.put("size", r.size());
        m.put("blobDigest", blobDigest);
        m.put("blobSize", blobSize);
        Files.writeString(dir.resolve("layer.json"), json.writeValueAsString(m));
    }

    @Override
    public String putLayer(Path blob, String blobDigest) {
        Path work = tmpDir.resolve("layer-" + UUID.randomUUID());
        try {
            String diffId;
            boolean gzip;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(blob), 65536)) {
                gzip = LayerBlobs.isGzip(in);
            }
            if (gzip) {
                // already compressed: extract from it and keep the very file, no copy
                LayerExtractor.Result r;
                try (InputStream in = Files.newInputStream(blob)) {
                    r = LayerExtractor.extract(in, work.resolve("diff"));
                }
                Files.move(blob, work.resolve(BLOB));
                writeLayerMeta(work, r, blobDigest, Files.size(work.resolve(BLOB)));
                diffId = r.diffId();
            } else {
                try (InputStream in = Files.newInputStream(blob)) {
                    diffId = stageLayer(in, work);
                }
            }
            publishLayer(work, diffId);
            return diffId;
        } catch (IOException e) {
            throw EngineException.invalidArgument("invalid layer: " + e.getMessage());
        } finally {
            Trees.delete(work);
            // the store took the file over: a plain tar was compressed into a copy, a duplicate is not kept
            Trees.delete(blob);
        }
    }

    @Override
    public boolean hasLayer(String diffId) {
        return diffId.matches("sha256:[0-9a-f]{64}") && Files.isRegularFile(layersDir.resolve(diffId.substring(7))
                .resolve("layer.json"));
    }

    @Override
    public void pin(List<String> diffIds) {
        mutex.lock();
        try {
            diffIds.forEach(d -> pinned.merge(d, 1, Integer::sum));
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public void unpin(List<String> diffIds) {
        mutex.lock();
        try {
            for (String d : diffIds) {
                pinned.computeIfPresent(d, (k, n) -> n > 1 ? n - 1 : null);
            }
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public LayerBlob layerBlob(String diffId) {
        Path dir = layersDir.resolve(diffId.substring(7));
        JsonNode meta;
        try {
            meta = json.readTree(dir.resolve("layer.json").toFile());
        } catch (RuntimeException e) {
            throw new NoSuchObjectException("no such layer: " + diffId);
        }
        Path blob = dir.resolve(BLOB);
        if (!Files.isRegularFile(blob) || meta.path("blobDigest").asString("").isEmpty()) {
            throw EngineException.invalidState("layer " + diffId + " was stored by an older jpod without its archive, "
                    + "so it cannot be saved or pushed: import or pull the image again");
        }
        return new LayerBlob(diffId, blob, meta.path("blobDigest").asString(), meta.path("blobSize").asLong());
    }

    @Override
    public Image commit(byte[] config, List<String> names, List<String> digests) {
        List<String> diffIds;
        Instant created;
        try {
            JsonNode cfg = json.readTree(config);
            diffIds = ConfigJson.strings(cfg.path("rootfs").path("diff_ids"));
            created = ConfigJson.parseInstant(cfg.path("created").asString(""));
        } catch (RuntimeException e) {
            throw EngineException.invalidArgument("invalid image config: " + e.getMessage());
        }
        for (String d : diffIds) {
            if (!hasLayer(d)) {
                throw EngineException.invalidArgument("image config names layer " + d + ", which is not stored");
            }
        }
        List<ImageReference> refs = names.stream().map(ImageReference::parse).toList();
        return commitImage(config, refs, created, digests, false);
    }

    @Override
    public Image commitIntermediate(byte[] config) {
        try {
            for (String d : ConfigJson.strings(json.readTree(config).path("rootfs").path("diff_ids"))) {
                if (!hasLayer(d)) {
                    throw EngineException.invalidArgument("image config names layer " + d + ", which is not stored");
                }
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw EngineException.invalidArgument("invalid image config: " + e.getMessage());
        }
        return commitImage(config, List.of(), Instant.now(), List.of(), true);
    }

    @Override
    public List<String> pruneIntermediate(Predicate<String> inUse) {
        mutex.lock();
        try {
            List<String> deleted = new ArrayList<>();
            for (String id : ids()) {
                Meta m = readMeta(id);
                if (m.intermediate() && m.names().isEmpty() && !inUse.test(id)) {
                    Trees.delete(imagesDir.resolve(id));
                    deleted.add("sha256:" + id);
                }
            }
            collectLayers();
            return deleted;
        } finally {
            mutex.unlock();
        }
    }

    /** Moves a staged layer into place; a copy already there wins and the staged one goes. */
    private void publishLayer(Path staged, String diffId) {
        try {
            LayerExtractor.publish(staged, layersDir.resolve(diffId.substring(7)));
        } catch (IOException e) {
            throw EngineException.internal("storing layer " + diffId + ": " + e.getMessage(), e);
        }
    }

    private Image commitImage(byte[] config, List<ImageReference> refs, Instant created, List<String> newDigests,
            boolean intermediate) {
        String id = HexFormat.of().formatHex(sha256(config));
        mutex.lock();
        try {
            Path dir = imagesDir.resolve(id);
            List<String> names = new ArrayList<>();
            List<String> digests = new ArrayList<>();
            boolean hidden = intermediate && refs.isEmpty();
            if (Files.isDirectory(dir)) {
                Meta old = readMeta(id);
                names.addAll(old.names());
                digests.addAll(old.digests());
                hidden = hidden && old.intermediate();
            } else {
                Path work = tmpDir.resolve("image-" + UUID.randomUUID());
                Files.createDirectories(work);
                Files.write(work.resolve("config.json"), config);
                writeMeta(work, new Meta(List.of(), created, List.of(), hidden));
                LayerExtractor.publish(work, dir);
            }
            for (String d : newDigests) {
                // one digest per repository: a newer pull of the same repository replaces the older
                String repo = d.substring(0, d.indexOf('@'));
                digests.removeIf(old -> old.startsWith(repo + "@"));
                digests.add(d);
            }
            for (ImageReference ref : refs) {
                moveName(ref.toString(), id);
                if (!names.contains(ref.toString())) {
                    names.add(ref.toString());
                }
            }
            writeMeta(dir, new Meta(names, readMeta(id).created(), digests, hidden && names.isEmpty()));
            return read(id);
        } catch (IOException e) {
            throw EngineException.internal("storing image " + id + ": " + e.getMessage(), e);
        } finally {
            mutex.unlock();
        }
    }

    /** Takes {@code name} off whichever other image has it. */
    private void moveName(String name, String toId) throws IOException {
        for (String other : ids()) {
            if (other.equals(toId)) {
                continue;
            }
            Meta m = readMeta(other);
            if (m.names().contains(name)) {
                List<String> left = new ArrayList<>(m.names());
                left.remove(name);
                writeMeta(imagesDir.resolve(other), m.withNames(left));
            }
        }
    }

    // ---- reading ---------------------------------------------------------------------------

    /** Names and creation time, kept beside the config. */
    /** @param intermediate a build step's image, kept as cache: out of lists, gone with a prune */
    record Meta(List<String> names, Instant created, List<String> digests, boolean intermediate) {
        Meta withNames(List<String> n) {
            return new Meta(n, created, digests, intermediate && n.isEmpty());
        }
    }

    private Meta readMeta(String id) {
        try {
            JsonNode n = json.readTree(imagesDir.resolve(id).resolve("image.json").toFile());
            List<String> names = new ArrayList<>();
            n.path("names").values().forEach(v -> names.add(v.asString()));
            return new Meta(names, ConfigJson.parseInstant(n.path("created").asString("")),
                    ConfigJson.strings(n.path("digests")), n.path("intermediate").asBoolean(false));
        } catch (RuntimeException e) {
            throw new NoSuchObjectException("no such image: " + id);
        }
    }

    private void writeMeta(Path dir, Meta meta) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("names", meta.names());
        m.put("created", meta.created().toString());
        m.put("digests", meta.digests());
        if (meta.intermediate()) {
            m.put("intermediate", true);
        }
        Path tmp = dir.resolve("image.json.tmp");
        Files.writeString(tmp, json.writeValueAsString(m));
        Files.move(tmp, dir.resolve("image.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private List<String> ids() {
        try (Stream<Path> s = Files.list(imagesDir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Image read(String id) {
        Meta meta = readMeta(id);
        JsonNode cfg;
        try {
            cfg = json.readTree(imagesDir.resolve(id).resolve("config.json").toFile());
        } catch (RuntimeException e) {
            throw new NoSuchObjectException("no such image: " + id);
        }
        return ConfigJson.read(id, meta.names(), meta.digests(), meta.created(), cfg, this::layerSize);
    }

    @Override
    public List<Image> intermediate() {
        mutex.lock();
        try {
            return ids().stream().filter(id -> readMeta(id).intermediate()).map(this::read).toList();
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public long layerSize(String diffId) {
        try {
            return json.readTree(layersDir.resolve(diffId.substring(7)).resolve("layer.json").toFile())
                    .path("size").asLong(0);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public List<Image> list() {
        mutex.lock();
        try {
            return ids().stream().filter(id -> !readMeta(id).intermediate()).map(this::read).toList();
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public Image lookup(String nameOrId) {
        mutex.lock();
        try {
            return read(resolve(nameOrId));
        } finally {
            mutex.unlock();
        }
    }

    private String resolve(String query) {
        if (query == null || query.isEmpty()) {
            throw EngineException.invalidArgument("image name or ID cannot be empty");
        }
        String q = query.startsWith("sha256:") ? query.substring(7) : query;
        List<String> ids = ids();
        int at = query.indexOf('@');
        if (at > 0) {
            // name@sha256:... : the image pulled (or pushed) as that manifest of that repository
            ImageReference ref = ImageReference.parse(query.substring(0, at));
            String wanted = ref.registry() + "/" + ref.repository() + query.substring(at);
            for (String id : ids) {
                if (readMeta(id).digests().contains(wanted)) {
                    return id;
                }
            }
            throw new NoSuchObjectException("no such image: " + query);
        }
        if (ids.contains(q)) {
            return q;
        }
        if (!query.startsWith("sha256:") && ImageReference.isName(query)) {
            String name = ImageReference.parse(query).toString();
            for (String id : ids) {
                if (readMeta(id).names().contains(name)) {
                    return id;
                }
            }
        }
        if (q.matches("[0-9a-f]{1,64}")) {
            List<String> matches = ids.stream().filter(id -> id.startsWith(q)).toList();
            if (matches.size() > 1) {
                throw EngineException.invalidArgument("more than one image matches the ID prefix \"" + query
                        + "\": give more characters");
            }
            if (matches.size() == 1) {
                return matches.get(0);
            }
        }
        throw new NoSuchObjectException("no such image: " + query);
    }

    @Override
    public Image tag(String nameOrId, String newName) {
        String name = ImageReference.parse(newName).toString();
        mutex.lock();
        try {
            String id = resolve(nameOrId);
            moveName(name, id);
            Meta m = readMeta(id);
            if (!m.names().contains(name)) {
                List<String> names = new ArrayList<>(m.names());
                names.add(name);
                writeMeta(imagesDir.resolve(id), m.withNames(names));
            }
            return read(id);
        } catch (IOException e) {
            throw EngineException.internal("tagging " + nameOrId + ": " + e.getMessage(), e);
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public Image untag(String nameOrId, String name) {
        String full = ImageReference.parse(name).toString();
        mutex.lock();
        try {
            String id = resolve(nameOrId);
            Meta m = readMeta(id);
            if (!m.names().contains(full)) {
                throw new NoSuchObjectException("image " + nameOrId + " is not tagged " + name);
            }
            List<String> names = new ArrayList<>(m.names());
            names.remove(full);
            writeMeta(imagesDir.resolve(id), m.withNames(names));
            return read(id);
        } catch (IOException e) {
            throw EngineException.internal("untagging " + nameOrId + ": " + e.getMessage(), e);
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public RemoveReport remove(String nameOrId, boolean force, Predicate<String> inUse) {
        mutex.lock();
        try {
            String id = resolve(nameOrId);
            Meta m = readMeta(id);
            boolean byName = !id.startsWith(nameOrId.replaceFirst("^sha256:", "")) && ImageReference.isName(nameOrId);
            // one name of several: only that name goes, force or not (the other names still hold the image)
            if (byName && m.names().size() > 1) {
                String name = ImageReference.parse(nameOrId).toString();
                untag(id, name);
                return new RemoveReport(List.of(name), List.of());
            }
            if (inUse.test(id) && !force) {
                throw EngineException.invalidState("image " + (m.names().isEmpty() ? id.substring(0, 12)
                        : m.names().get(0)) + " is in use by a container: remove the container first, or force");
            }
            Trees.delete(imagesDir.resolve(id));
            collectLayers();
            return new RemoveReport(m.names(), List.of("sha256:" + id));
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public void pruneLayers() {
        mutex.lock();
        try {
            collectLayers();
        } finally {
            mutex.unlock();
        }
    }

    /** Deletes layers no image uses any more, but for those a pull in progress has stored. */
    private void collectLayers() {
        Set<String> used = new HashSet<>();
        pinned.keySet().forEach(d -> used.add(d.substring(7)));
        for (String id : ids()) {
            used.addAll(read(id).layers().stream().map(d -> d.substring(7)).toList());
        }
        try (Stream<Path> s = Files.list(layersDir)) {
            s.filter(p -> !used.contains(p.getFileName().toString())).forEach(Trees::delete);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] config(Image image) {
        try {
            return Files.readAllBytes(imagesDir.resolve(image.id()).resolve("config.json"));
        } catch (IOException e) {
            throw new NoSuchObjectException("no such image: " + image.id());
        }
    }

    @Override
    public Path workDir() {
        return tmpDir;
    }

    @Override
    public List<Path> layerDirs(Image image) {
        return image.layers().stream().map(d -> layersDir.resolve(d.substring(7)).resolve("diff")).toList();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
