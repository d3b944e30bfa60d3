package io.jpod.image;

import static io.jpod.testing.TarBuilder.busyboxRootfs;
import static io.jpod.testing.TarBuilder.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import io.jpod.testing.TarBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every {@link ImageStore} does: import, load of docker-save and OCI archives, names, lookup,
 * history, removal and its reports, and the errors, with nothing left half-written by a failure.
 */
abstract class ImageStoreContract {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path graphRoot;

    protected ImageStore store;

    /** A store with no images, keeping what it must under {@code graphRoot}. */
    protected abstract ImageStore open(Path graphRoot);

    @BeforeEach
    void openStore() {
        store = open(graphRoot);
    }

    Image importBusybox(String name, String... changes) throws Exception {
        return store.importRootfs(new ByteArrayInputStream(busyboxRootfs()), List.of(name), List.of(changes), "test");
    }

    static void assertCategory(Runnable r, Category category) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).as(e.getMessage()).isEqualTo(category));
    }

    // ---- import, lookup, history ---------------------------------------------------------------

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
        assertThat(img.os()).isEqualTo("linux");

        Path diff = store.layerDirs(img).get(0);
        assertThat(diff.resolve("bin/busybox")).isExecutable();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(diff.resolve("tmp"))))
                .isEqualTo("rwxrwxrwx");
        assertThat(Files.readSymbolicLink(diff.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
        assertThat(store.list()).containsExactly(store.lookup(img.id()));
    }

    @Test
    void anImageIsFoundByNameShortNameFullIdShortIdAndDigest() throws Exception {
        Image img = importBusybox("busybox");
        for (String q : List.of("busybox", "busybox:latest", "docker.io/library/busybox",
                "docker.io/library/busybox:latest", img.id(), img.id().substring(0, 12), "sha256:" + img.id())) {
            assertThat(store.lookup(q).id()).as(q).isEqualTo(img.id());
        }
        assertThat(store.lookup("busybox")).isEqualTo(img);
    }

    @Test
    void historyRecordsTheImportWithItsMessage() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Image img = store.importRootfs(new ByteArrayInputStream(busyboxRootfs()), List.of("hist"), List.of(),
                "made by the contract");
        assertThat(img.history()).hasSize(1);
        Image.HistoryEntry h = img.history().get(0);
        assertThat(h.createdBy()).isEqualTo("jpod import");
        assertThat(h.comment()).isEqualTo("made by the contract");
        assertThat(h.created()).isAfter(before);
        assertThat(img.created()).isAfter(before);
        assertThat(store.lookup("hist").history()).isEqualTo(img.history());
    }

    @Test
    void unknownEmptyAndAmbiguousQueries() throws Exception {
        assertCategory(() -> store.lookup("nothing"), Category.NOT_FOUND);
        assertCategory(() -> store.lookup("sha256:" + "0".repeat(64)), Category.NOT_FOUND);
        assertCategory(() -> store.lookup(""), Category.INVALID_ARGUMENT);
        assertCategory(() -> store.tag("nothing", "x"), Category.NOT_FOUND);
        assertCategory(() -> store.remove("nothing", true, id -> false), Category.NOT_FOUND);
        // 17 images: two of them share their ID's first character
        Map<Character, Integer> byFirst = new HashMap<>();
        char shared = 0;
        for (int i = 0; i < 17 && shared == 0; i++) {
            Image img = store.importRootfs(new ByteArrayInputStream(new TarBuilder().file("f", "x").build()),
                    List.of(), List.of("LABEL n=" + i), "");
            if (byFirst.merge(img.id().charAt(0), 1, Integer::sum) > 1) {
                shared = img.id().charAt(0);
            }
        }
        char prefix = shared;
        assertCategory(() -> store.lookup(String.valueOf(prefix)), Category.INVALID_ARGUMENT);
    }

    // ---- names ---------------------------------------------------------------------------------

    @Test
    void tagsMoveBetweenImagesAndUntagRemovesOne() throws Exception {
        Image a = importBusybox("app:1");
        Image b = importBusybox("other", "CMD [\"id\"]");
        store.tag("other", "app:1");
        assertThat(store.lookup("app:1").id()).isEqualTo(b.id());
        assertThat(store.lookup(a.id()).names()).isEmpty();
        store.untag("other", "app:1");
        assertCategory(() -> store.lookup("app:1"), Category.NOT_FOUND);
        assertCategory(() -> store.tag("other", "Bad:Name"), Category.INVALID_ARGUMENT);
        assertCategory(() -> store.untag("other", "never:given"), Category.NOT_FOUND);
        assertThat(store.lookup("other").names()).containsExactly("docker.io/library/other:latest");
    }

    // ---- removal -------------------------------------------------------------------------------

    @Test
    void removingANameOfSeveralOnlyUntagsAndAnImageInUseNeedsForce() throws Exception {
        Image img = importBusybox("one");
        store.tag("one", "two");
        var report = store.remove("two", false, id -> true);
        assertThat(report.untagged()).containsExactly("docker.io/library/two:latest");
        assertThat(report.deleted()).isEmpty();
        assertCategory(() -> store.remove("one", false, id -> id.equals(img.id())), Category.INVALID_STATE);
        assertThat(store.lookup("one").id()).isEqualTo(img.id());
        assertThat(store.remove("one", true, id -> true).deleted()).containsExactly("sha256:" + img.id());
        assertCategory(() -> store.lookup(img.id()), Category.NOT_FOUND);
    }

    @Test
    void forceNeverTakesMoreThanTheOneNameOfSeveral() throws Exception {
        Image img = importBusybox("x:1");
        store.tag("x:1", "x:2");
        store.tag("x:1", "x:3");
        var report = store.remove("x:1", true, id -> true);
        assertThat(report.untagged()).containsExactly("docker.io/library/x:1");
        assertThat(report.deleted()).isEmpty();
        assertThat(store.lookup(img.id()).names()).containsExactly("docker.io/library/x:2", "docker.io/library/x:3");
        assertThat(store.layerDirs(store.lookup("x:2")).get(0).resolve("bin/busybox")).isExecutable();
    }

    @Test
    void removingByIdReportsEveryNameAndTheDeletedId() throws Exception {
        Image img = importBusybox("r:1");
        store.tag("r:1", "r:2");
        Image other = importBusybox("keep", "CMD [\"true\"]");
        var report = store.remove(img.id().substring(0, 12), false, id -> false);
        assertThat(report.untagged()).containsExactlyInAnyOrder("docker.io/library/r:1", "docker.io/library/r:2");
        assertThat(report.deleted()).containsExactly("sha256:" + img.id());
        assertThat(store.list()).extracting(Image::id).containsExactly(other.id());
        // the layer both shared stays for the image left
        assertThat(store.layerDirs(store.lookup("keep")).get(0).resolve("bin/busybox")).isExecutable();
        assertCategory(() -> store.remove(img.id(), true, id -> false), Category.NOT_FOUND);
    }

    @Test
    void anUnnamedImageIsRemovedByIdAsAPruneDoes() throws Exception {
        Image unnamed = store.importRootfs(new ByteArrayInputStream(busyboxRootfs()), List.of(), List.of(), "");
        assertThat(unnamed.names()).isEmpty();
        var report = store.remove(unnamed.id(), true, id -> false);
        assertThat(report.untagged()).isEmpty();
        assertThat(report.deleted()).containsExactly("sha256:" + unnamed.id());
        assertThat(store.list()).isEmpty();
    }

    // ---- pulls: putLayer, commit, pins; layerBlob for saves and pushes --------------------------

    /** A downloaded blob, where a pull leaves it: in the store's work directory. */
    Path download(byte[] bytes) throws Exception {
        Path f = store.workDir().resolve("download-" + java.util.UUID.randomUUID());
        Files.write(f, bytes);
        return f;
    }

    static byte[] gunzip(Path gz) throws Exception {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    @Test
    void putLayerTakesAGzipBlobAsItIsAndCompressesAPlainTar() throws Exception {
        byte[] gz = TarBuilder.gzip(secondLayer());
        Path gzFile = download(gz);
        String gzDiffId = store.putLayer(gzFile, sha256(gz));
        assertThat(gzDiffId).isEqualTo(sha256(secondLayer()));
        assertThat(store.hasLayer(gzDiffId)).isTrue();
        assertThat(gzFile).doesNotExist();
        ImageStore.LayerBlob gzBlob = store.layerBlob(gzDiffId);
        // kept byte for byte: the digest a registry's manifest names stays right
        assertThat(Files.readAllBytes(gzBlob.path())).isEqualTo(gz);
        assertThat(gzBlob.digest()).isEqualTo(sha256(gz));
        assertThat(gzBlob.size()).isEqualTo(gz.length);
        assertThat(gzBlob.diffId()).isEqualTo(gzDiffId);

        byte[] plain = busyboxRootfs();
        Path plainFile = download(plain);
        String plainDiffId = store.putLayer(plainFile, sha256(plain));
        assertThat(plainDiffId).isEqualTo(sha256(plain));
        assertThat(plainFile).doesNotExist();
        ImageStore.LayerBlob plainBlob = store.layerBlob(plainDiffId);
        // stored compressed, and described by the digest and size of what is stored
        byte[] stored = Files.readAllBytes(plainBlob.path());
        assertThat(plainBlob.digest()).isEqualTo(sha256(stored));
        assertThat(plainBlob.size()).isEqualTo(stored.length);
        assertThat(gunzip(plainBlob.path())).isEqualTo(plain);
        assertThat(store.hasLayer("sha256:" + "0".repeat(64))).isFalse();
        assertCategory(() -> store.layerBlob("sha256:" + "0".repeat(64)), Category.NOT_FOUND);
    }

    @Test
    void aLayerAlreadyStoredIsReusedAndTheNewFileDropped() throws Exception {
        Image img = importBusybox("first");
        ImageStore.LayerBlob before = store.layerBlob(img.layers().get(0));
        byte[] gz = TarBuilder.gzip(busyboxRootfs());
        Path again = download(gz);
        assertThat(store.putLayer(again, sha256(gz))).isEqualTo(img.layers().get(0));
        assertThat(again).doesNotExist();
        assertThat(store.layerBlob(img.layers().get(0))).isEqualTo(before);
        store.unpin(img.layers());
        assertThat(store.layerDirs(store.lookup("first")).get(0).resolve("bin/busybox")).isExecutable();
    }

    @Test
    void commitRecordsTheImageWithItsNamesAndOneDigestPerRepository() throws Exception {
        byte[] l1 = busyboxRootfs();
        byte[] l2 = TarBuilder.gzip(secondLayer());
        List<String> diffIds = List.of(store.putLayer(download(l1), sha256(l1)), store.putLayer(download(l2), sha256(l2)));
        byte[] config = config(diffIds, "sh");
        String d1 = "sha256:" + "1".repeat(64);
        String d2 = "sha256:" + "2".repeat(64);
        Image img = store.commit(config, List.of("busybox:1"), List.of("docker.io/library/busybox@" + d1,
                "mirror.example/busybox@" + d1));
        assertThat(img.id()).isEqualTo(sha256(config).substring(7));
        assertThat(img.names()).containsExactly("docker.io/library/busybox:1");
        assertThat(img.layers()).isEqualTo(diffIds);
        assertThat(img.digests()).containsExactlyInAnyOrder("docker.io/library/busybox@" + d1,
                "mirror.example/busybox@" + d1);
        assertThat(store.config(img)).isEqualTo(config);
        assertThat(store.lookup("busybox@" + d1).id()).isEqualTo(img.id());
        assertThat(store.lookup("mirror.example/busybox@" + d1).id()).isEqualTo(img.id());

        // pulled again as a newer manifest of one repository: that repository's digest is replaced
        Image again = store.commit(config, List.of("busybox:2"), List.of("docker.io/library/busybox@" + d2));
        assertThat(again.id()).isEqualTo(img.id());
        assertThat(again.names()).containsExactly("docker.io/library/busybox:1", "docker.io/library/busybox:2");
        assertThat(again.digests()).containsExactlyInAnyOrder("docker.io/library/busybox@" + d2,
                "mirror.example/busybox@" + d1);
        assertThat(store.lookup("docker.io/library/busybox@" + d2).id()).isEqualTo(img.id());
        assertCategory(() -> store.lookup("busybox@" + d1), Category.NOT_FOUND);
        assertThat(store.layerDirs(again).get(1).resolve("opt/new")).hasContent("fresh");
    }

    @Test
    void aCommitNamingALayerNotStoredIsRefusedWithNothingStored() throws Exception {
        byte[] l1 = busyboxRootfs();
        String stored = store.putLayer(download(l1), sha256(l1));
        byte[] config = config(List.of(stored, sha256(secondLayer())), "sh");
        assertCategory(() -> store.commit(config, List.of("localhost/half:1"), List.of()), Category.INVALID_ARGUMENT);
        assertThat(store.list()).isEmpty();
        assertCategory(() -> store.lookup("localhost/half:1"), Category.NOT_FOUND);
        assertCategory(() -> store.commit("{ not json".getBytes(StandardCharsets.UTF_8), List.of(), List.of()),
                Category.INVALID_ARGUMENT);
        assertThat(store.list()).isEmpty();
    }

    @Test
    void aPinnedLayerSurvivesRemovalsUntilUnpinnedThenPruneTakesIt() throws Exception {
        Image other = importBusybox("other");
        byte[] gz = TarBuilder.gzip(secondLayer());
        store.pin(List.of(sha256(secondLayer())));
        String pinned = store.putLayer(download(gz), sha256(gz));
        assertThat(pinned).isEqualTo(sha256(secondLayer()));
        // the removal collects the layers no image uses, but for the pinned one of a pull in progress
        store.remove("other", false, id -> false);
        assertThat(store.hasLayer(other.layers().get(0))).isFalse();
        assertThat(store.hasLayer(pinned)).isTrue();
        store.pruneLayers();
        assertThat(store.hasLayer(pinned)).isTrue();

        store.unpin(List.of(pinned));
        store.pruneLayers();
        assertThat(store.hasLayer(pinned)).isFalse();
        assertCategory(() -> store.layerBlob(pinned), Category.NOT_FOUND);
    }

    @Test
    void aLayerNobodyPinsGoesWithItsImage() throws Exception {
        byte[] gz = TarBuilder.gzip(secondLayer());
        String layer = store.putLayer(download(gz), sha256(gz));
        Image img = store.commit(config(List.of(layer), "sh"), List.of("localhost/one:1"), List.of());
        store.remove(img.id(), false, id -> false);
        assertThat(store.hasLayer(layer)).isFalse();
    }

    @Test
    void layerBlobsOfImportedAndLoadedImagesUnpackToTheirDiffIds() throws Exception {
        Image imported = importBusybox("imported");
        ImageStore.LayerBlob b = store.layerBlob(imported.layers().get(0));
        assertThat(sha256(gunzip(b.path()))).isEqualTo(imported.layers().get(0));
        assertThat(sha256(Files.readAllBytes(b.path()))).isEqualTo(b.digest());

        // a docker archive's gzip layer is kept as it came, a plain one compressed
        byte[] l1 = busyboxRootfs();
        byte[] l2gz = TarBuilder.gzip(secondLayer());
        byte[] config = config(List.of(sha256(l1), sha256(secondLayer())), "sh");
        Image loaded = store.load(new ByteArrayInputStream(dockerArchive(l1, l2gz, config))).get(0);
        assertThat(Files.readAllBytes(store.layerBlob(loaded.layers().get(1)).path())).isEqualTo(l2gz);
        assertThat(store.layerBlob(loaded.layers().get(1)).digest()).isEqualTo(sha256(l2gz));
        assertThat(gunzip(store.layerBlob(loaded.layers().get(0)).path())).isEqualTo(l1);

        // an OCI layout's layer keeps the digest its manifest named
        byte[] other = new TarBuilder().file("only-in-oci", "x").build();
        byte[] ociConfig = config(List.of(sha256(other)), "true");
        Image oci = store.load(new ByteArrayInputStream(ociArchive(other, ociConfig, "localhost/oci:1"))).get(0);
        assertThat(store.layerBlob(oci.layers().get(0)).digest()).isEqualTo(sha256(TarBuilder.gzip(other)));
    }

    // ---- load ----------------------------------------------------------------------------------

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

    /** A {@code docker save} archive of one image per config, each with the two layers. */
    static byte[] dockerArchive(byte[] layer1, byte[] layer2, byte[]... configs) throws Exception {
        ArrayNode manifest = JSON.createArrayNode();
        TarBuilder t = new TarBuilder().file("l1/layer.tar", 0644, layer1).file("l2/layer.tar", 0644, layer2);
        for (int i = 0; i < configs.length; i++) {
            ObjectNode entry = manifest.addObject();
            entry.put("Config", "cfg" + i + ".json");
            entry.putArray("RepoTags").add(i == 0 ? "localhost/layered:v1" : "localhost/layered:v" + (i + 1));
            entry.putArray("Layers").add("l1/layer.tar").add("l2/layer.tar");
            t.file("cfg" + i + ".json", 0644, configs[i]);
        }
        return t.file("manifest.json", 0644, JSON.writeValueAsBytes(manifest)).build();
    }

    static byte[] ociArchive(byte[] layer, byte[] config, String refName) throws Exception {
        byte[] gz = TarBuilder.gzip(layer);
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.putObject("config").put("digest", sha256(config)).put("size", config.length);
        manifest.putArray("layers").addObject().put("digest", sha256(gz)).put("size", gz.length);
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.putArray("manifests").addObject().put("digest", sha256(manifestBytes))
                .putObject("annotations").put("org.opencontainers.image.ref.name", refName);
        TarBuilder t = new TarBuilder().file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("index.json", 0644, JSON.writeValueAsBytes(index));
        for (byte[] blob : List.of(gz, config, manifestBytes)) {
            t.file("blobs/sha256/" + sha256(blob).substring(7), 0644, blob);
        }
        return t.build();
    }

    @Test
    void loadsADockerSaveArchiveWithGzipLayers() throws Exception {
        byte[] l1 = busyboxRootfs();
        byte[] l2 = secondLayer();
        byte[] config = config(List.of(sha256(l1), sha256(l2)), "sh");
        List<Image> loaded = store.load(new ByteArrayInputStream(dockerArchive(l1, TarBuilder.gzip(l2), config)));
        assertThat(loaded).hasSize(1);
        Image img = loaded.get(0);
        assertThat(img.id()).isEqualTo(sha256(config).substring(7));
        assertThat(img.names()).containsExactly("localhost/layered:v1");
        assertThat(img.layers()).containsExactly(sha256(l1), sha256(l2));
        assertThat(img.created()).isEqualTo("2024-01-02T03:04:05Z");
        assertThat(img.config().cmd()).containsExactly("sh");
        assertThat(store.layerDirs(img)).hasSize(2);
        assertThat(store.layerDirs(img).get(1).resolve("opt/new")).hasContent("fresh");
        assertThat(store.lookup("localhost/layered:v1")).isEqualTo(img);
    }

    @Test
    void loadsAnOciLayoutArchive() throws Exception {
        byte[] layer = busyboxRootfs();
        byte[] config = config(List.of(sha256(layer)), "echo");
        Image img = store.load(new ByteArrayInputStream(ociArchive(layer, config, "localhost/oci:2"))).get(0);
        assertThat(img.names()).containsExactly("localhost/oci:2");
        assertThat(img.config().cmd()).containsExactly("echo");
        assertThat(store.layerDirs(img).get(0).resolve("bin/busybox")).isRegularFile();
        // a bare tag as the ref name gets a repository of its own
        byte[] other = config(List.of(sha256(layer)), "true");
        assertThat(store.load(new ByteArrayInputStream(ociArchive(layer, other, "v3"))).get(0).names())
                .containsExactly("localhost/oci-image:v3");
    }

    @Test
    void loadingAnImageAgainAddsItsNames() throws Exception {
        byte[] layer = busyboxRootfs();
        byte[] config = config(List.of(sha256(layer)), "echo");
        Image first = store.load(new ByteArrayInputStream(ociArchive(layer, config, "localhost/a:1"))).get(0);
        Image again = store.load(new ByteArrayInputStream(ociArchive(layer, config, "localhost/b:1"))).get(0);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.names()).containsExactly("localhost/a:1", "localhost/b:1");
        assertThat(store.list()).hasSize(1);
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
    }

    @Test
    void aFailedLoadLeavesNothingOfTheArchive() throws Exception {
        Image before = importBusybox("before");
        byte[] l1 = busyboxRootfs();
        byte[] l2 = secondLayer();
        // the first image is good, the second lies about its layers: neither may appear
        byte[] archive = dockerArchive(l1, l2, config(List.of(sha256(l1), sha256(l2)), "sh"),
                config(List.of(sha256(l2), sha256(l1)), "sh"));
        assertCategory(() -> store.load(new ByteArrayInputStream(archive)), Category.INVALID_ARGUMENT);
        assertThat(store.list()).containsExactly(before);
        assertCategory(() -> store.lookup("localhost/layered:v1"), Category.NOT_FOUND);
    }

    @Test
    void badArchivesAreInvalidArguments() throws Exception {
        byte[] layer = busyboxRootfs();
        byte[] config = config(List.of(sha256(layer)), "sh");
        List<byte[]> bad = new ArrayList<>(List.of(
                "not a tar at all".getBytes(StandardCharsets.UTF_8),
                new TarBuilder().file("readme", "neither manifest.json nor index.json").build(),
                new TarBuilder().file("manifest.json", "{ this is not json").build(),
                new TarBuilder().file("manifest.json", "[{\"Config\":\"missing.json\",\"Layers\":[]}]").build(),
                new TarBuilder().file("manifest.json", "[{\"Config\":\"../../etc/passwd\",\"Layers\":[]}]").build(),
                new TarBuilder().file("index.json", "{\"manifests\":[{\"digest\":\"sha256:nothex\"}]}").build(),
                new TarBuilder().file("../escape", "x").file("manifest.json", "[]").build()));
        bad.add(new TarBuilder().file("l/layer.tar", 0644, "not a layer".getBytes(StandardCharsets.UTF_8))
                .file("c.json", 0644, config).file("manifest.json",
                        "[{\"Config\":\"c.json\",\"RepoTags\":[\"Bad Name\"],\"Layers\":[\"l/layer.tar\"]}]").build());
        for (byte[] archive : bad) {
            assertCategory(() -> store.load(new ByteArrayInputStream(archive)), Category.INVALID_ARGUMENT);
        }
        assertThat(store.list()).isEmpty();
    }

    @Test
    void hostileLayersAreRejected() throws Exception {
        Path outside = graphRoot.resolveSibling(graphRoot.getFileName() + "-outside");
        Files.createDirectories(outside);
        try {
            List<byte[]> hostile = List.of(
                    new TarBuilder().file("../" + outside.getFileName() + "/evil", "x").build(),
                    new TarBuilder().symlink("link", outside.toString()).file("link/evil", "x").build(),
                    new TarBuilder().hardlink("passwd", "../../../../etc/passwd").build());
            for (byte[] tar : hostile) {
                assertCategory(() -> store.importRootfs(new ByteArrayInputStream(tar), List.of("evil"), List.of(), ""),
                        Category.INVALID_ARGUMENT);
            }
            assertThat(outside).isEmptyDirectory();
            assertThat(store.list()).isEmpty();
        } finally {
            org.springframework.util.FileSystemUtils.deleteRecursively(outside);
        }
    }
}
