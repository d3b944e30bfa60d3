package io.jpod.image;

import io.jpod.error.EngineException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes images of the store as archives that {@code docker load}, {@code podman load} and jpod's own
 * {@link ImageStore#load} read: a {@code docker save} archive or an OCI image layout in a tar.
 *
 * <p>Two steps, so that a caller can answer an error before it sends a byte: {@link #prepare} finds
 * the images, opens their layers' archives (an image removed meanwhile stays readable through the
 * open files) and, for the docker format, measures each layer's tar; {@link Save#writeTo} then
 * streams, one layer at a time, never holding a layer in memory.
 */
public final class ImageArchives {

    /** The archive formats; podman's directory formats are not written. */
    public enum Format {
        DOCKER_ARCHIVE("docker-archive"), OCI_ARCHIVE("oci-archive");

        private final String wireName;

        Format(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        /** podman's names; {@code null} or empty is the docker format, podman's default. */
        public static Format parse(String name) {
            if (name == null || name.isEmpty()) {
                return DOCKER_ARCHIVE;
            }
            for (Format f : values()) {
                if (f.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            if (name.equals("oci-dir") || name.equals("docker-dir")) {
                throw EngineException.invalidArgument("format " + name + " (a directory) is not supported: "
                        + "save as docker-archive or oci-archive");
            }
            throw EngineException.invalidArgument("unknown image archive format \"" + name
                    + "\": use docker-archive or oci-archive");
        }
    }

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String REF_NAME = "org.opencontainers.image.ref.name";

    private final ImageStore store;
    private final JsonMapper json;

    public ImageArchives(ImageStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    /**
     * Finds the images {@code references} name and opens their layers. An image referred to by a
     * name is saved under that name; one referred to by ID (or digest) under none. The same image
     * named twice is saved once, with both names. Unknown images are {@code NOT_FOUND}, layers
     * stored without their archive {@code INVALID_STATE}, both thrown here, never from writeTo.
     */
    public Save prepare(List<String> references, Format format) {
        if (references == null || references.isEmpty()) {
            throw EngineException.invalidArgument("no image to save: name at least one");
        }
        if (format == Format.OCI_ARCHIVE && references.size() > 1) {
            // as podman: its load takes one image from an OCI layout
            throw EngineException.invalidArgument("an oci-archive holds one image: save several as docker-archive");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (String ref : references) {
            Image img = store.lookup(ref);
            Entry e = entries.computeIfAbsent(img.id(), id -> new Entry(img, store.config(img), new ArrayList<>()));
            String name = nameIn(img, ref);
            if (name != null && !e.names.contains(name)) {
                e.names.add(name);
            }
        }
        Save save = new Save(format, List.copyOf(entries.values()));
        try {
            for (Entry e : entries.values()) {
                for (String diffId : e.image.layers()) {
                    if (!save.layers.containsKey(diffId)) {
                        save.layers.put(diffId, open(store.layerBlob(diffId), format));
                    }
                }
            }
            return save;
        } catch (IOException | RuntimeException e) {
            save.close();
            if (e instanceof EngineException ee) {
                throw ee;
            }
            throw EngineException.internal("reading the layers to save: " + e.getMessage(), e);
        }
    }

    /** The stored name {@code ref} means, or null when it is an ID, a digest or an ID prefix. */
    private static String nameIn(Image img, String ref) {
        if (!ImageReference.isName(ref)) {
            return null;
        }
        String name = ImageReference.parse(ref).toString();
        return img.names().contains(name) ? name : null;
    }

    private static OpenLayer open(ImageStore.LayerBlob blob, Format format) throws IOException {
        FileChannel ch = FileChannel.open(blob.path());
        OpenLayer layer = new OpenLayer(blob, ch);
        if (format == Format.DOCKER_ARCHIVE) {
            try {
                layer.measure();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        return layer;
    }

    private record Entry(Image image, byte[] config, List<String> names) {}

    /** A layer's archive, held open; for the docker format its uncompressed tar's size, checked. */
    private static final class OpenLayer {
        final ImageStore.LayerBlob blob;
        final FileChannel channel;
        long tarSize = -1;

        OpenLayer(ImageStore.LayerBlob blob, FileChannel channel) {
            this.blob = blob;
            this.channel = channel;
        }

        /** The archive from its start, as many times as asked; closing the stream leaves the file open. */
        InputStream read() throws IOException {
            channel.position(0);
            return new FilterInputStream(Channels.newInputStream(channel)) {
                @Override
                public void close() {}
            };
        }

        InputStream tar() throws IOException {
            return new GZIPInputStream(read(), 65536);
        }

        /** A tar entry's size comes before its bytes: one pass to count them, and to check the diff ID. */
        void measure() throws IOException {
            MessageDigest sha = LayerBlobs.sha256();
            try (InputStream in = new DigestInputStream(tar(), sha)) {
                tarSize = in.transferTo(OutputStream.nullOutputStream());
            }
            String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(blob.diffId())) {
                throw EngineException.internal("stored layer " + blob.diffId() + " is damaged: its archive "
                        + "unpacks to " + actual, null);
            }
        }
    }

    /** Images found and layers opened: {@link #writeTo} once, then {@link #close}. */
    public final class Save implements Closeable {

        private final Format format;
        private final List<Entry> entries;
        private final Map<String, OpenLayer> layers = new LinkedHashMap<>();

        private Save(Format format, List<Entry> entries) {
            this.format = format;
            this.entries = entries;
        }

        public List<Image> images() {
            return entries.stream().map(Entry::image).toList();
        }

        public Format format() {
            return format;
        }

        /** Streams the archive; {@code out} is left open (the tar is finished). */
        public void writeTo(OutputStream out) throws IOException {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosing(out));
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            if (format == Format.DOCKER_ARCHIVE) {
                dockerArchive(tar);
            } else {
                ociArchive(tar);
            }
            tar.finish();
            tar.flush();
        }

        /**
         * {@code manifest.json} (Config, RepoTags, Layers per image), {@code <config hex>.json},
         * {@code <diff ID hex>/layer.tar} uncompressed (its SHA-256 is the diff ID) and the legacy
         * {@code repositories} file; the layer tars first, so a reader can check them as they come.
         */
        private void dockerArchive(TarArchiveOutputStream tar) throws IOException {
            for (OpenLayer l : layers.values()) {
                String dir = l.blob.diffId().substring(7);
                directory(tar, dir + "/");
                try (InputStream in = l.tar()) {
                    file(tar, dir + "/layer.tar", l.tarSize, in);
                }
            }
            ArrayNode manifest = json.createArrayNode();
            ObjectNode repositories = json.createObjectNode();
            for (Entry e : entries) {
                String configFile = e.image.id() + ".json";
                file(tar, configFile, e.config);
                ObjectNode m = manifest.addObject();
                m.put("Config", configFile);
                ArrayNode tags = m.putArray("RepoTags");
                e.names.forEach(tags::add);
                ArrayNode ls = m.putArray("Layers");
                e.image.layers().forEach(d -> ls.add(d.substring(7) + "/layer.tar"));
                if (!e.image.layers().isEmpty()) {
                    String top = e.image.layers().get(e.image.layers().size() - 1).substring(7);
                    for (String name : e.names) {
                        ImageReference ref = ImageReference.parse(name);
                        String repo = ref.registry() + "/" + ref.repository();
                        ObjectNode r = repositories.has(repo) ? (ObjectNode) repositories.get(repo)
                                : repositories.putObject(repo);
                        r.put(ref.tag(), top);
                    }
                }
            }
            file(tar, "manifest.json", json.writeValueAsBytes(manifest));
            file(tar, "repositories", json.writeValueAsBytes(repositories));
        }

        /**
         * An OCI image layout: {@code oci-layout}, the blobs (layers gzip-compressed as stored,
         * configs, one manifest per image), and {@code index.json} naming each manifest once per
         * name it is saved under (its {@code org.opencontainers.image.ref.name}; {@link #prepare} allows
     * one image, by one reference).
         */
        private void ociArchive(TarArchiveOutputStream tar) throws IOException {
            file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            directory(tar, "blobs/");
            directory(tar, "blobs/sha256/");
            for (OpenLayer l : layers.values()) {
                try (InputStream in = l.read()) {
                    file(tar, blobPath(l.blob.digest()), l.blob.size(), in);
                }
            }
            ObjectNode index = json.createObjectNode();
            index.put("schemaVersion", 2);
            ArrayNode manifests = index.putArray("manifests");
            for (Entry e : entries) {
                String configDigest = "sha256:" + e.image.id();
                file(tar, blobPath(configDigest), e.config);
                ObjectNode m = json.createObjectNode();
                m.put("schemaVersion", 2);
                m.put("mediaType", OCI_MANIFEST);
                m.putObject("config").put("mediaType", OCI_CONFIG).put("digest", configDigest)
                        .put("size", e.config.length);
                ArrayNode ls = m.putArray("layers");
                for (String diffId : e.image.layers()) {
                    ImageStore.LayerBlob b = layers.get(diffId).blob;
                    ls.addObject().put("mediaType", OCI_LAYER).put("digest", b.digest()).put("size", b.size());
                }
                byte[] manifestBytes = json.writeValueAsBytes(m);
                String manifestDigest = "sha256:" + HexFormat.of().formatHex(
                        LayerBlobs.sha256().digest(manifestBytes));
                file(tar, blobPath(manifestDigest), manifestBytes);
                for (String name : e.names.isEmpty() ? java.util.Collections.<String>singletonList(null) : e.names) {
                    ObjectNode d = manifests.addObject();
                    d.put("mediaType", OCI_MANIFEST);
                    d.put("digest", manifestDigest);
                    d.put("size", manifestBytes.length);
                    if (name != null) {
                        d.putObject("annotations").put(REF_NAME, name);
                    }
                }
            }
            file(tar, "index.json", json.writeValueAsBytes(index));
        }

        @Override
        public void close() {
            for (OpenLayer l : layers.values()) {
                try {
                    l.channel.close();
                } catch (IOException ignored) {
                    // read-only: nothing was left to flush
                }
            }
        }
    }

    private static String blobPath(String digest) {
        return "blobs/sha256/" + digest.substring(7);
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        file(tar, name, bytes.length, new java.io.ByteArrayInputStream(bytes));
    }

    private static void file(TarArchiveOutputStream tar, String name, long size, InputStream in) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setSize(size);
        e.setModTime(0);
        tar.putArchiveEntry(e);
        long n = in.transferTo(tar);
        if (n != size) {
            // the file changed under us: a tar with a wrong entry size would be unreadable
            throw new IOException(name + " has " + n + " bytes, " + size + " expected");
        }
        tar.closeArchiveEntry();
    }

    /** The caller owns the response stream; the tar must not close it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
