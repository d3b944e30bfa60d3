package io.jpod.image;

import static io.jpod.testing.TarBuilder.busyboxRootfs;
import static io.jpod.testing.TarBuilder.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code docker save} and {@code podman save} against a real jpod daemon, with the real clients: the
 * archives load back into jpod as the same images, into a local podman with storage of its own, and
 * podman's own archives load into jpod. Each test leaves the daemon's images as it found them.
 */
class ImageSaveIT {

    static Path root;
    /** The local podman's run root: podman refuses one longer than 50 characters. */
    static Path localRun;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;
    static String busyboxId;
    static String appId;
    static String layeredId;
    static List<String> layeredDiffIds;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-save");
        localRun = Files.createTempDirectory("jps");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
        // podman's own engine, for its local storage: runc as the runtime, limits it may set as root
        Files.writeString(root.resolve("local-containers.conf"), """
                [engine]
                runtime = "runc"
                events_logger = "file"
                [containers]
                default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
                """);
        Path rootfs = root.resolve("rootfs.tar");
        Files.write(rootfs, busyboxRootfs());
        // two images sharing their one layer, and one of two layers (the second gzip-compressed)
        busyboxId = ok(docker.run("import", "--change", "CMD [\"sh\"]", rootfs.toString(), "busybox"))
                .replace("sha256:", "");
        appId = ok(docker.run("import", "--change", "CMD [\"true\"]", rootfs.toString(), "localhost/app:1"))
                .replace("sha256:", "");
        byte[] l1 = busyboxRootfs();
        byte[] l2 = ImageStoreContract.secondLayer();
        layeredDiffIds = List.of(sha256(l1), sha256(l2));
        byte[] config = ImageStoreContract.config(layeredDiffIds, "sh");
        layeredId = sha256(config).substring(7);
        Path archive = root.resolve("layered.tar");
        Files.write(archive, ImageStoreContract.dockerArchive(l1, TarBuilder.gzip(l2), config));
        ok(docker.run("load", "-i", archive.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
        org.springframework.util.FileSystemUtils.deleteRecursively(localRun);
    }

    @Test
    void dockerSaveThenRmiAndLoadGivesTheSameImages() throws Exception {
        Path one = root.resolve("one.tar");
        Path two = root.resolve("two.tar");
        Path byId = root.resolve("by-id.tar");
        String since = String.valueOf(java.time.Instant.now().getEpochSecond() - 1);
        ok(docker.run("save", "-o", one.toString(), "localhost/layered:v1"));
        ok(docker.run("save", "-o", two.toString(), "busybox", "localhost/app:1"));
        ok(docker.run("save", "-o", byId.toString(), busyboxId.substring(0, 12)));

        // as Docker: an image event "save" per image saved
        String saved = ok(docker.run("events", "--since", since, "--until", String.valueOf(
                java.time.Instant.now().getEpochSecond() + 1), "--filter", "event=save", "--format", "{{.Actor.ID}}"));
        assertThat(saved.lines().distinct()).containsExactlyInAnyOrder(layeredId, busyboxId, appId);

        Map<String, byte[]> oneEntries = entries(one);
        JsonNode manifest = json(oneEntries.get("manifest.json"));
        assertThat(manifest.size()).isEqualTo(1);
        assertThat(manifest.get(0).path("RepoTags").get(0).asString()).isEqualTo("localhost/layered:v1");
        assertThat(sha256(oneEntries.get(manifest.get(0).path("Config").asString()))).isEqualTo("sha256:" + layeredId);
        // the layers leave uncompressed, each hashing to its diff ID, in the config's order
        List<String> layerHashes = new ArrayList<>();
        manifest.get(0).path("Layers").values().forEach(l -> layerHashes.add(sha256(oneEntries.get(l.asString()))));
        assertThat(layerHashes).isEqualTo(layeredDiffIds);
        assertThat(oneEntries).containsKey("repositories");

        Map<String, byte[]> twoEntries = entries(two);
        assertThat(json(twoEntries.get("manifest.json")).size()).isEqualTo(2);
        assertThat(twoEntries.keySet().stream().filter(n -> n.endsWith("layer.tar"))).hasSize(1);
        assertThat(json(entries(byId).get("manifest.json")).get(0).path("RepoTags").size()).isZero();

        ok(docker.run("rmi", "busybox", "localhost/app:1", "localhost/layered:v1"));
        assertThat(docker.run("image", "inspect", "busybox").exitCode()).isNotZero();
        ok(docker.run("load", "-i", two.toString()));
        ok(docker.run("load", "-i", one.toString()));
        assertThat(ok(docker.run("image", "inspect", "--format", "{{.Id}}", "busybox")))
                .isEqualTo("sha256:" + busyboxId);
        assertThat(ok(docker.run("image", "inspect", "--format", "{{.Id}}", "localhost/app:1")))
                .isEqualTo("sha256:" + appId);
        assertThat(ok(docker.run("image", "inspect", "--format", "{{.Id}}", "localhost/layered:v1")))
                .isEqualTo("sha256:" + layeredId);
        assertThat(ok(docker.run("run", "--rm", "--network", "none", "localhost/layered:v1", "cat", "/opt/new")))
                .isEqualTo("fresh");
    }

    @Test
    void podmanRemoteSaveInBothFormatsLoadsBack() throws Exception {
        Path dockerFormat = root.resolve("p-docker.tar");
        Path ociFormat = root.resolve("p-oci.tar");
        Path multi = root.resolve("p-multi.tar");
        ok(podman.run("save", "-o", dockerFormat.toString(), "localhost/layered:v1"));
        ok(podman.run("save", "--format", "oci-archive", "-o", ociFormat.toString(), "localhost/layered:v1"));
        ok(podman.run("save", "-m", "-o", multi.toString(), "busybox", "localhost/app:1"));

        Map<String, byte[]> oci = entries(ociFormat);
        JsonNode index = json(oci.get("index.json"));
        assertThat(index.path("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name")
                .asString()).isEqualTo("localhost/layered:v1");
        JsonNode ociManifest = json(oci.get("blobs/sha256/" + index.path("manifests").get(0).path("digest")
                .asString().substring(7)));
        assertThat(ociManifest.path("mediaType").asString()).isEqualTo(ImageArchives.OCI_MANIFEST);
        assertThat(ociManifest.path("layers")).hasSize(2).allSatisfy(l -> {
            assertThat(l.path("mediaType").asString()).isEqualTo(ImageArchives.OCI_LAYER);
            byte[] blob = oci.get("blobs/sha256/" + l.path("digest").asString().substring(7));
            assertThat(sha256(blob)).isEqualTo(l.path("digest").asString());
            assertThat(blob.length).isEqualTo(l.path("size").asLong());
        });
        assertThat(json(entries(multi).get("manifest.json")).size()).isEqualTo(2);

        for (Path archive : List.of(ociFormat, dockerFormat)) {
            ok(podman.run("rmi", "localhost/layered:v1"));
            assertThat(ok(podman.run("load", "-i", archive.toString()))).contains("localhost/layered:v1");
            assertThat(ok(podman.run("image", "inspect", "--format", "{{.Id}}", "localhost/layered:v1")))
                    .as(archive.toString()).isEqualTo(layeredId);
        }
    }

    @Test
    void aLocalPodmanLoadsJpodsArchivesAndJpodLoadsPodmans() throws Exception {
        Path jpodDocker = root.resolve("j-docker.tar");
        Path jpodOci = root.resolve("j-oci.tar");
        ok(docker.run("save", "-o", jpodDocker.toString(), "localhost/layered:v1"));
        ok(podman.run("save", "--format", "oci-archive", "-o", jpodOci.toString(), "localhost/layered:v1"));
        for (Path archive : List.of(jpodDocker, jpodOci)) {
            ok(local("load", "-i", archive.toString()));
            assertThat(ok(local("image", "inspect", "--format", "{{.Id}}", "localhost/layered:v1")))
                    .as(archive.toString()).isEqualTo(layeredId);
            ok(local("rmi", "localhost/layered:v1"));
        }

        String localId = ok(local("import", "-q", "--change", "CMD [\"echo\"]", root.resolve("rootfs.tar").toString(),
                "localhost/local:1")).replace("sha256:", "");
        Path podmanDocker = root.resolve("local-docker.tar");
        Path podmanOci = root.resolve("local-oci.tar");
        ok(local("save", "-o", podmanDocker.toString(), "localhost/local:1"));
        ok(local("save", "--format", "oci-archive", "-o", podmanOci.toString(), "localhost/local:1"));
        ok(docker.run("load", "-i", podmanDocker.toString()));
        assertThat(ok(docker.run("image", "inspect", "--format", "{{.Id}}", "localhost/local:1")))
                .isEqualTo("sha256:" + localId);
        ok(docker.run("rmi", "localhost/local:1"));
        ok(podman.run("load", "-i", podmanOci.toString()));
        assertThat(ok(podman.run("image", "inspect", "--format", "{{.Id}}", "localhost/local:1"))).isEqualTo(localId);
        ok(podman.run("rmi", "localhost/local:1"));
    }

    @Test
    void namesWithSlashesUnknownImagesAndBadFormats() throws Exception {
        HttpResponse<byte[]> encoded = get("/libpod/images/localhost%2Fapp:1/get?format=oci-archive");
        assertThat(encoded.statusCode()).isEqualTo(200);
        assertThat(encoded.headers().firstValue("Content-Type")).hasValue("application/x-tar");
        assertThat(json(entries(encoded.body()).get("index.json")).findValuesAsString(
                "org.opencontainers.image.ref.name")).containsExactly("localhost/app:1");
        for (String path : List.of("/libpod/images/localhost/app:1/get", "/images/localhost/app:1/get",
                "/v1.41/images/get?names=localhost/app:1")) {
            HttpResponse<byte[]> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            JsonNode manifest = json(entries(r.body()).get("manifest.json"));
            assertThat(manifest.get(0).path("RepoTags").get(0).asString()).as(path).isEqualTo("localhost/app:1");
        }

        for (String path : List.of("/images/nothing/get", "/images/get?names=busybox&names=nothing",
                "/libpod/images/nothing/get", "/libpod/images/export?references=nothing")) {
            HttpResponse<byte[]> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(json(r.body()).path("message").asString()).as(path).contains("no such image");
        }
        for (String path : List.of("/libpod/images/export?references=busybox&format=bogus",
                "/libpod/images/busybox/get?format=oci-dir", "/libpod/images/export",
                "/libpod/images/export?references=busybox&references=localhost/app:1&format=oci-archive")) {
            HttpResponse<byte[]> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(json(r.body()).path("message").asString()).as(path).isNotEmpty();
        }
        // podman's client checks the format's name itself; a directory format reaches jpod, which refuses it
        ProcessRunner.Result refused = podman.run("save", "--format", "oci-dir", "-o", root.resolve("x").toString(),
                "busybox");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("oci-dir", "not supported");
        ProcessRunner.Result missing = docker.run("save", "-o", root.resolve("y.tar").toString(), "nothing");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("no such image");
    }

    // ---- helpers -------------------------------------------------------------------------------

    static HttpResponse<byte[]> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port()
                + path)).header("Authorization", daemon.bearer()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(byte[] bytes) {
        return ImageStoreContract.JSON.readTree(bytes);
    }

    static Map<String, byte[]> entries(Path tar) throws Exception {
        return entries(Files.readAllBytes(tar));
    }

    /** A tar's regular files by name (test archives are small). */
    static Map<String, byte[]> entries(byte[] tar) throws Exception {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.isFile()) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return out;
    }

    /** podman with its own engine and storage, apart from jpod's. */
    private static ProcessRunner.Result local(String... args) throws Exception {
        Path dir = root.resolve("local-podman");
        List<String> argv = new ArrayList<>(List.of("podman", "--root", dir.resolve("root").toString(),
                "--runroot", localRun.toString(), "--storage-driver", "vfs",
                "--tmpdir", dir.resolve("tmp").toString()));
        argv.addAll(List.of(args));
        return ProcessRunner.run(argv, Map.of("CONTAINERS_CONF", root.resolve("local-containers.conf").toString(),
                "XDG_CONFIG_HOME", root.resolve("config").toString()), Duration.ofSeconds(60));
    }

    private static String ok(ProcessRunner.Result r) {
        assertThat(r.exitCode()).as(r.argv() + "\n" + r.stdout() + r.stderr()).isZero();
        return r.stdout().strip();
    }
}
