package io.jpod.testing;

import io.jpod.host.ProcessRunner;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import tools.jackson.databind.json.JsonMapper;

/**
 * Seeds a {@link LocalRegistry} with test images, built here as OCI image layouts (blobs, manifests and
 * index.json written by hand, from Debian's static busybox) and pushed with {@code skopeo copy}; no public
 * registry is involved. Layouts are built once per JVM and shared by every test class.
 *
 * <ul>
 * <li>{@link #pushBusybox}: 3 layers: busybox + applet symlinks (sh, ls, echo, cat, sleep, wget, id, ...),
 * {@code /hello.txt} ({@link #HELLO}), {@code /etc/seed-release} ({@link #RELEASE}); config Cmd ["sh"], Env PATH;
 * pushed as Docker v2 schema 2 or OCI.
 * <li>{@link #pushMulti}: an OCI index of linux/amd64 and linux/arm64 images (both run the host's busybox);
 * {@code /arch} holds "amd64\n" or "arm64\n" and the configs' architecture differs.
 * <li>{@link #pushBig}: ~100 MB of incompressible data in 4 layers, for the pull benchmark.
 * </ul>
 *
 * Every push returns the manifest digest the registry stored, for pulls by digest.
 */
public final class RegistrySeed {

    /** Content of {@code /hello.txt} in the busybox image (its second layer). */
    public static final String HELLO = "hello from jpod's test registry\n";
    /** Content of {@code /etc/seed-release} in the busybox image (its third layer). */
    public static final String RELEASE = "seed=3\n";

    /** The manifest format skopeo writes to the registry. */
    public enum Format {
        V2S2("v2s2"), OCI("oci");

        final String skopeo;

        Format(String skopeo) {
            this.skopeo = skopeo;
        }
    }

    /** A pushed image: {@code reference} is {@code HOST/repo:tag}, {@code digest} its manifest's. */
    public record Pushed(String reference, String digest) {
        /** {@code HOST/repo@sha256:...}. */
        public String byDigest() {
            int colon = reference.lastIndexOf(':');
            int slash = reference.lastIndexOf('/');
            return (colon > slash ? reference.substring(0, colon) : reference) + "@" + digest;
        }
    }

    /** What {@link #seedAll} pushed: busybox:latest (v2s2), busybox-oci:latest (OCI) and multi:latest. */
    public record Seeded(Pushed busybox, Pushed busyboxOci, Pushed multi) {}

    /** An OCI layout on disk with its tag "latest" and the digests of what it holds. */
    public record Layout(Path dir, String manifestDigest, List<String> layerDigests,
            Map<String, String> platformManifests) {}

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String CREATED = "2024-01-01T00:00:00Z";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    private static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";

    private static Path root;
    private static Layout busybox;
    private static Layout multi;
    private static Layout big;

    private RegistrySeed() {}

    /** Pushes busybox:latest (v2s2), busybox-oci:latest (OCI) and multi:latest (index). */
    public static Seeded seedAll(LocalRegistry reg) throws IOException {
        return new Seeded(pushBusybox(reg, "busybox:latest", Format.V2S2),
                pushBusybox(reg, "busybox-oci:latest", Format.OCI), pushMulti(reg, "multi:latest"));
    }

    public static Pushed pushBusybox(LocalRegistry reg, String repoTag, Format format) throws IOException {
        return push(busyboxLayout(), reg.host() + "/" + repoTag, reg.skopeoArgs("dest"), format, false);
    }

    public static Pushed pushMulti(LocalRegistry reg, String repoTag) throws IOException {
        return push(multiLayout(), reg.host() + "/" + repoTag, reg.skopeoArgs("dest"), null, true);
    }

    /** The ~100 MB image; built (a few seconds) on first use only. */
    public static Pushed pushBig(LocalRegistry reg, String repoTag) throws IOException {
        return push(bigLayout(), reg.host() + "/" + repoTag, reg.skopeoArgs("dest"), Format.OCI, false);
    }

    /**
     * Copies {@code layout}'s "latest" to {@code docker://destRef} with the given skopeo options (see
     * {@link LocalRegistry#skopeoArgs}); {@code format} null keeps the layout's; {@code all} copies every
     * image of an index.
     */
    public static Pushed push(Layout layout, String destRef, List<String> destArgs, Format format, boolean all)
            throws IOException {
        Path digestFile = Files.createTempFile("jpod-seed", ".digest");
        try {
            List<String> argv = new ArrayList<>(List.of("skopeo", "--insecure-policy", "copy", "--quiet",
                    "--digestfile", digestFile.toString()));
            argv.addAll(destArgs);
            if (format != null) {
                argv.add("--format=" + format.skopeo);
            }
            if (all) {
                argv.add("--all");
            }
            argv.add("oci:" + layout.dir() + ":latest");
            argv.add("docker://" + destRef);
            ProcessRunner.Result r = ProcessRunner.run(argv, Map.of(), Duration.ofMinutes(5));
            if (!r.ok()) {
                throw new IOException("skopeo copy to " + destRef + " failed: " + r.stderr());
            }
            return new Pushed(destRef, Files.readString(digestFile).trim());
        } finally {
            Files.deleteIfExists(digestFile);
        }
    }

    /** The busybox image's OCI layout (built once per JVM). */
    public static synchronized Layout busyboxLayout() throws IOException {
        if (busybox == null) {
            LayoutWriter w = new LayoutWriter(root().resolve("busybox"));
            List<Blob> layers = List.of(w.layer(TarBuilder.busyboxRootfs()),
                    w.layer(new TarBuilder().file("hello.txt", HELLO).build()),
                    w.layer(new TarBuilder().dir("etc", 0755).file("etc/seed-release", RELEASE).build()));
            Blob manifest = w.image(hostArch(), layers);
            busybox = w.finish(manifest, OCI_MANIFEST, layers, Map.of());
        }
        return busybox;
    }

    /** The multi-arch index's OCI layout; platformManifests maps "amd64"/"arm64" to their manifest digests. */
    public static synchronized Layout multiLayout() throws IOException {
        if (multi == null) {
            LayoutWriter w = new LayoutWriter(root().resolve("multi"));
            Blob base = w.layer(TarBuilder.busyboxRootfs());
            List<Blob> all = new ArrayList<>(List.of(base));
            List<Map<String, Object>> entries = new ArrayList<>();
            Map<String, String> platforms = new LinkedHashMap<>();
            for (String arch : List.of("amd64", "arm64")) {
                Blob archLayer = w.layer(new TarBuilder().file("arch", arch + "\n").build());
                all.add(archLayer);
                Blob m = w.image(arch, List.of(base, archLayer));
                platforms.put(arch, m.digest());
                Map<String, Object> e = descriptor(OCI_MANIFEST, m);
                e.put("platform", ordered("architecture", arch, "os", "linux"));
                entries.add(e);
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("schemaVersion", 2);
            index.put("mediaType", OCI_INDEX);
            index.put("manifests", entries);
            Blob indexBlob = w.json(index);
            multi = w.finish(indexBlob, OCI_INDEX, all, platforms);
        }
        return multi;
    }

    /** The ~100 MB image's OCI layout: 4 layers of 25 MB of random (seeded, so reproducible) bytes. */
    public static synchronized Layout bigLayout() throws IOException {
        if (big == null) {
            LayoutWriter w = new LayoutWriter(root().resolve("big"));
            Random random = new Random(42);
            List<Blob> layers = new ArrayList<>();
            layers.add(w.layer(TarBuilder.busyboxRootfs()));
            for (int i = 0; i < 4; i++) {
                layers.add(w.randomLayer("data/blob" + i + ".bin", 25 << 20, random));
            }
            big = w.finish(w.image(hostArch(), layers), OCI_MANIFEST, layers, Map.of());
        }
        return big;
    }

    /** The OCI name of the JVM's architecture: the busybox in every image is the host's. */
    public static String hostArch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> a;
        };
    }

    private static Path root() throws IOException {
        if (root == null) {
            root = Files.createTempDirectory("jpod-seed-layouts");
            Path r = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> LocalRegistry.deleteTree(r)));
        }
        return root;
    }

    /** A map keeping its keys' order: JSON written from it, and so its digest, is the same in every JVM. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> descriptor(String mediaType, Blob b) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", b.digest());
        d.put("size", b.size());
        return d;
    }

    /** A blob written to the layout; {@code diffId} is the uncompressed digest of a layer (else null). */
    private record Blob(String digest, long size, String diffId) {}

    /** Writes one OCI layout's blobs. */
    private static final class LayoutWriter {
        private final Path dir;
        private final Path blobs;

        LayoutWriter(Path dir) throws IOException {
            this.dir = dir;
            blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        }

        Blob layer(byte[] tar) throws IOException {
            return stream(Deflater.BEST_SPEED, out -> out.write(tar));
        }

        Blob randomLayer(String name, int size, Random random) throws IOException {
            // random bytes do not compress: stored (level 0) gzip blocks cost nothing to write
            return stream(Deflater.NO_COMPRESSION, out -> {
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
                tar.putArchiveEntry(dirEntry());
                tar.closeArchiveEntry();
                TarArchiveEntry e = new TarArchiveEntry(name);
                e.setMode(0100644);
                e.setSize(size);
                e.setModTime(0);
                tar.putArchiveEntry(e);
                byte[] chunk = new byte[1 << 20];
                for (int left = size; left > 0; left -= chunk.length) {
                    random.nextBytes(chunk);
                    tar.write(chunk, 0, Math.min(left, chunk.length));
                }
                tar.closeArchiveEntry();
                tar.finish();
            });
        }

        private static TarArchiveEntry dirEntry() {
            TarArchiveEntry d = new TarArchiveEntry("data/");
            d.setMode(040755);
            d.setModTime(0);
            return d;
        }

        interface TarWriter {
            void write(OutputStream uncompressed) throws IOException;
        }

        /** gzips what {@code writer} writes into a new blob, digesting both forms on the way. */
        private Blob stream(int level, TarWriter writer) throws IOException {
            Path tmp = Files.createTempFile(blobs, "layer", ".tmp");
            MessageDigest compressed = sha256();
            MessageDigest uncompressed = sha256();
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                    DigestOutputStream c = new DigestOutputStream(file, compressed);
                    GZIPOutputStream gz = new LevelGzip(c, level);
                    DigestOutputStream u = new DigestOutputStream(gz, uncompressed)) {
                writer.write(u);
            }
            String digest = "sha256:" + HexFormat.of().formatHex(compressed.digest());
            Files.move(tmp, blobs.resolve(digest.substring(7)), StandardCopyOption.REPLACE_EXISTING);
            return new Blob(digest, Files.size(blobs.resolve(digest.substring(7))),
                    "sha256:" + HexFormat.of().formatHex(uncompressed.digest()));
        }

        Blob json(Object value) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(value);
            String digest = TarBuilder.sha256(bytes);
            Files.write(blobs.resolve(digest.substring(7)), bytes);
            return new Blob(digest, bytes.length, null);
        }

        /** Writes a config and a manifest for these layers; returns the manifest. */
        Blob image(String arch, List<Blob> layers) throws IOException {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("created", CREATED);
            config.put("architecture", arch);
            config.put("os", "linux");
            config.put("config", ordered("Env", List.of(PATH), "Cmd", List.of("sh")));
            config.put("rootfs", ordered("type", "layers", "diff_ids", layers.stream().map(Blob::diffId).toList()));
            config.put("history", layers.stream()
                    .map(l -> ordered("created", CREATED, "created_by", "jpod RegistrySeed")).toList());
            Blob configBlob = json(config);
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("schemaVersion", 2);
            manifest.put("mediaType", OCI_MANIFEST);
            manifest.put("config", descriptor(OCI_CONFIG, configBlob));
            manifest.put("layers", layers.stream().map(l -> descriptor(OCI_LAYER, l)).toList());
            return json(manifest);
        }

        Layout finish(Blob top, String mediaType, List<Blob> layers, Map<String, String> platforms)
                throws IOException {
            Map<String, Object> entry = descriptor(mediaType, top);
            entry.put("annotations", Map.of("org.opencontainers.image.ref.name", "latest"));
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("schemaVersion", 2);
            index.put("manifests", List.of(entry));
            Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
            return new Layout(dir, top.digest(), layers.stream().map(Blob::digest).toList(), Map.copyOf(platforms));
        }
    }

    /** gzip at a chosen level: test images favour build speed over size. */
    private static final class LevelGzip extends GZIPOutputStream {
        LevelGzip(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
