package io.jpod.image;

import static io.jpod.testing.TarBuilder.busyboxRootfs;
import static io.jpod.testing.TarBuilder.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import io.jpod.storage.LayerExtractor;
import io.jpod.storage.PosixFiles;
import io.jpod.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The image store on a real file system, as root (device nodes, owners, trusted xattrs). */
class FileImageStoreIT {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path graphRoot;

    FileImageStore store;

    @BeforeEach
    void setUp() {
        store = new FileImageStore(graphRoot, JSON);
    }

    Image importBusybox(String name, String... changes) throws Exception {
        return store.importRootfs(new ByteArrayInputStream(busyboxRootfs()), List.of(name), List.of(changes), "test");
    }

    long count(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void importedRootfsBecomesAOneLayerImageWithTheChangesApplied() throws Exception {
        Image img = importBusybox("busybox", "CMD [\"sh\"]", "ENV FOO=bar", "WORKDIR /tmp", "EXPOSE 80",
                "LABEL a=b");
        assertThat(img.id()).matches("[0-9a-f]{64}");
        assertThat(img.names()).containsExactly("docker.io/library/busybox:latest");
        assertThat(img.layers()).hasSize(1).first().asString().isEqualTo(sha256(busyboxRootfs()));
        assertThat(img.config().cmd()).containsExactly("sh");
        assertThat(img.config().env()).containsExactly("FOO=bar");
        assertThat(img.config().workingDir()).isEqualTo("/tmp");
        assertThat(img.config().exposedPorts()).containsExactly("80/tcp");
        assertThat(img.config().labels()).containsEntry("a", "b");
        assertThat(img.size()).isGreaterThan(500_000);
        assertThat(img.history()).hasSize(1);
        // the ID is the digest of the stored config
        byte[] config = Files.readAllBytes(graphRoot.resolve("images").resolve(img.id()).resolve("config.json"));
        assertThat(sha256(config)).isEqualTo("sha256:" + img.id());

        Path diff = store.layerDirs(img).get(0);
        assertThat(diff.resolve("bin/busybox")).isExecutable();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(diff.resolve("tmp"))))
                .isEqualTo("rwxrwxrwx");
        assertThat(Files.readSymbolicLink(diff.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));

        for (String q : List.of("busybox", "busybox:latest", "docker.io/library/busybox", img.id(),
                img.id().substring(0, 12), "sha256:" + img.id())) {
            assertThat(store.lookup(q).id()).as(q).isEqualTo(img.id());
        }
        assertThat(graphRoot.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void aLayerIsStoredOnceWhateverTheNumberOfImagesUsingIt() throws Exception {
        Image a = importBusybox("a", "CMD [\"sh\"]");
        Image b = importBusybox("b", "CMD [\"echo\", \"hi\"]");
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(count(graphRoot.resolve("layers"))).isEqualTo(1);
        assertThat(store.list()).hasSize(2);
        store.remove("a", false, id -> false);
        assertThat(count(graphRoot.resolve("layers"))).isEqualTo(1);
        store.remove("b", false, id -> false);
        assertThat(count(graphRoot.resolve("layers"))).isZero();
        assertThat(store.list()).isEmpty();
    }

    @Test
    void tagsMoveBetweenImagesAndUntagRemovesOne() throws Exception {
        Image a = importBusybox("app:1");
        Image b = importBusybox("other", "CMD [\"id\"]");
        store.tag("other", "app:1");
        assertThat(store.lookup("app:1").id()).isEqualTo(b.id());
        assertThat(store.lookup(a.id()).names()).isEmpty();
        store.untag("other", "app:1");
        assertThatThrownBy(() -> store.lookup("app:1")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        assertThatThrownBy(() -> store.tag("other", "Bad:Name")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT));
    }

    @Test
    void removingANameOfSeveralOnlyUntagsAndAnImageInUseNeedsForce() throws Exception {
        Image img = importBusybox("one");
        store.tag("one", "two");
        var report = store.remove("two", false, id -> true);
        assertThat(report.untagged()).containsExactly("docker.io/library/two:latest");
        assertThat(report.deleted()).isEmpty();
        assertThatThrownBy(() -> store.remove("one", false, id -> id.equals(img.id())))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.category()).isEqualTo(Category.INVALID_STATE));
        assertThat(store.lookup("one").id()).isEqualTo(img.id());
        assertThat(store.remove("one", true, id -> true).deleted()).containsExactly("sha256:" + img.id());
    }

    @Test
    void ambiguousPrefixAndUnknownImages() throws Exception {
        assertThatThrownBy(() -> store.lookup("nothing")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        assertThatThrownBy(() -> store.lookup("")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT));
    }

    // ---- load ------------------------------------------------------------------------------

    static byte[] secondLayer() throws Exception {
        return new TarBuilder().dir("etc", 0755).file("etc/.wh.group", "").dir("opt", 0755)
                .file("opt/.wh..wh..opq", "").file("opt/new", "fresh").file("etc/motd", "hello\n").build();
    }

    static byte[] config(List<String> diffIds, String cmd) {
        ObjectNode c = JSON.createObjectNode();
        c.put("architecture", "amd64");
        c.put("os", "linux");
        c.put("created", "2024-01-02T03:04:05Z");
        c.putObject("config").putArray("Cmd").add(cmd);
        ArrayNode ids = c.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        diffIds.forEach(ids::add);
        return JSON.writeValueAsBytes(c);
    }

    static byte[] dockerArchive(byte[] layer1, byte[] layer2Gzipped, byte[] config) throws Exception {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("Config", "cfg.json");
        entry.putArray("RepoTags").add("localhost/layered:v1");
        entry.putArray("Layers").add("l1/layer.tar").add("l2/layer.tar");
        byte[] manifest = JSON.writeValueAsBytes(JSON.createArrayNode().add(entry));
        return new TarBuilder().file("l1/layer.tar", 0644, layer1).file("l2/layer.tar", 0644, layer2Gzipped)
                .file("cfg.json", 0644, config).file("manifest.json", 0644, manifest).build();
    }

    @Test
    void loadsADockerSaveArchiveWithGzipLayersAndWhiteouts() throws Exception {
        byte[] l1 = busyboxRootfs();
        byte[] l2 = secondLayer();
        byte[] archive = dockerArchive(l1, TarBuilder.gzip(l2), config(List.of(sha256(l1), sha256(l2)), "sh"));
        List<Image> loaded = store.load(new ByteArrayInputStream(archive));
        assertThat(loaded).hasSize(1);
        Image img = loaded.get(0);
        assertThat(img.names()).containsExactly("localhost/layered:v1");
        assertThat(img.layers()).containsExactly(sha256(l1), sha256(l2));
        assertThat(img.created()).isEqualTo("2024-01-02T03:04:05Z");
        Path top = store.layerDirs(img).get(1);
        // overlay whiteout: a 0/0 character device named like the deleted file
        assertThat(Files.getAttribute(top.resolve("etc/group"), "unix:mode", LinkOption.NOFOLLOW_LINKS))
                .matches(m -> (((Integer) m) & 0170000) == 0020000);
        assertThat(Files.getAttribute(top.resolve("etc/group"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(0L);
        assertThat(PosixFiles.getXattr(top.resolve("opt"), LayerExtractor.OPAQUE_XATTR)).isEqualTo("y");
        assertThat(top.resolve("opt/new")).hasContent("fresh");
        assertThat(top.resolve("opt/.wh..wh..opq")).doesNotExist();
    }

    @Test
    void anArchiveWhoseLayersDoNotMatchItsConfigIsRejected() throws Exception {
        byte[] l1 = busyboxRootfs();
        byte[] l2 = secondLayer();
        byte[] archive = dockerArchive(l1, l2, config(List.of(sha256(l1), sha256(l1)), "sh"));
        assertThatThrownBy(() -> store.load(new ByteArrayInputStream(archive)))
                .isInstanceOfSatisfying(EngineException.class, e -> {
                    assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("inconsistent");
                });
        assertThat(store.list()).isEmpty();
        assertThat(graphRoot.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void loadsAnOciLayoutArchive() throws Exception {
        byte[] layer = busyboxRootfs();
        byte[] gz = TarBuilder.gzip(layer);
        byte[] config = config(List.of(sha256(layer)), "echo");
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.putObject("config").put("digest", sha256(config)).put("size", config.length);
        manifest.putArray("layers").addObject().put("digest", sha256(gz)).put("size", gz.length);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.putArray("manifests").addObject().put("digest", sha256(manifestBytes))
                .putObject("annotations").put("org.opencontainers.image.ref.name", "localhost/oci:2");
        TarBuilder t = new TarBuilder().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("index.json", 0644, JSON.writeValueAsBytes(index));
        for (byte[] blob : List.of(gz, config, manifestBytes)) {
            t.file("blobs/sha256/" + sha256(blob).substring(7), 0644, blob);
        }
        Image img = store.load(new ByteArrayInputStream(t.build())).get(0);
        assertThat(img.names()).containsExactly("localhost/oci:2");
        assertThat(img.config().cmd()).containsExactly("echo");
        assertThat(store.layerDirs(img).get(0).resolve("bin/busybox")).isRegularFile();
    }

    // ---- hostile layers ----------------------------------------------------------------------

    @Test
    void entriesEscapingTheLayerAreRejected() throws Exception {
        Path outside = graphRoot.resolveSibling(graphRoot.getFileName() + "-outside");
        Files.createDirectories(outside);
        List<byte[]> hostile = List.of(
                new TarBuilder().file("../" + outside.getFileName() + "/evil", "x").build(),
                new TarBuilder().symlink("link", outside.toString()).file("link/evil", "x").build(),
                new TarBuilder().hardlink("passwd", "../../../../etc/passwd").build());
        for (byte[] tar : hostile) {
            assertThatThrownBy(() -> store.importRootfs(new ByteArrayInputStream(tar), List.of("evil"), List.of(),
                    "")).isInstanceOfSatisfying(EngineException.class,
                            e -> assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT));
        }
        assertThat(outside).isEmptyDirectory();
        assertThat(store.list()).isEmpty();
        assertThat(graphRoot.resolve("layers")).isEmptyDirectory();
        assertThat(graphRoot.resolve("tmp")).isEmptyDirectory();
        Files.delete(outside);
    }

    @Test
    void absoluteNamesLandInsideTheLayer() throws Exception {
        byte[] tar = new TarBuilder().file("/etc/hostname", "box").build();
        Image img = store.importRootfs(new ByteArrayInputStream(tar), List.of("abs"), List.of(), "");
        assertThat(store.layerDirs(img).get(0).resolve("etc/hostname")).hasContent("box");
        assertThat(new String(Files.readAllBytes(store.layerDirs(img).get(0).resolve("etc/hostname")),
                StandardCharsets.UTF_8)).isEqualTo("box");
    }
}
