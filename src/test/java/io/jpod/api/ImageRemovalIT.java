package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rmi} never takes more than it was asked for: with the docker CLI a forced removal of one
 * tag leaves the other tags, and of the last name leaves the content a container still runs on;
 * with podman's client a forced removal takes the containers using the image, as podman does.
 */
class ImageRemovalIT {

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;
    static CliClient podman;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-rmi");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        podman = CliClient.podman(daemon, root);
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
    }

    @AfterAll
    static void stop() throws Exception {
        docker.run("rm", "-f", "user", "podman-user");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    @Test
    void dockerForcedRemovalOfATagKeepsTheOtherTagsAndTheContainersImage() throws Exception {
        String id = ok(docker.run("import", root.resolve("rootfs.tar").toString(), "app:1")).replace("sha256:", "");
        ok(docker.run("tag", "app:1", "app:2"));
        ok(docker.run("tag", "app:1", "app:3"));
        ok(docker.run("create", "--name", "user", "--network", "none", "app:1", "echo", "still here"));

        assertThat(ok(docker.run("rmi", "-f", "app:1"))).isEqualTo("Untagged: app:1");
        assertThat(ok(docker.run("image", "inspect", "--format", "{{.Id}}", "app:2"))).isEqualTo("sha256:" + id);
        assertThat(ok(docker.run("start", "-a", "user"))).isEqualTo("still here");

        // not forced: one name of several is only untagged, even while a container uses the image
        assertThat(ok(docker.run("rmi", "app:3"))).isEqualTo("Untagged: app:3");
        // the last name of a used image needs force ...
        ProcessRunner.Result refused = docker.run("rmi", "app:2");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("in use");
        // ... and then only the name goes: the container still starts
        assertThat(ok(docker.run("rmi", "-f", "app:2"))).isEqualTo("Untagged: app:2");
        assertThat(ok(docker.run("image", "inspect", "--format", "{{.Id}}", id))).isEqualTo("sha256:" + id);
        assertThat(ok(docker.run("start", "-a", "user"))).isEqualTo("still here");

        ok(docker.run("rm", "user"));
        assertThat(ok(docker.run("image", "prune", "-f"))).contains("sha256:" + id);
        assertThat(docker.run("image", "inspect", id).exitCode()).isNotZero();
    }

    @Test
    void dockerRemovalByIdOfAnImageWithSeveralNamesNeedsForce() throws Exception {
        String id = ok(docker.run("import", "--change", "CMD [\"true\"]", root.resolve("rootfs.tar").toString(),
                "multi:1")).replace("sha256:", "");
        ok(docker.run("tag", "multi:1", "multi:2"));
        ProcessRunner.Result refused = docker.run("rmi", id.substring(0, 12));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("must be forced").contains("multiple repositories");
        assertThat(ok(docker.run("image", "inspect", "--format", "{{len .RepoTags}}", "multi:1"))).isEqualTo("2");
        String removed = ok(docker.run("rmi", "-f", id.substring(0, 12)));
        assertThat(removed).contains("Untagged: multi:1", "Untagged: multi:2", "Deleted: sha256:" + id);
        assertThat(docker.run("image", "inspect", id).exitCode()).isNotZero();
    }

    @Test
    void podmanForcedRemovalTakesTheContainersButATagOfSeveralIsOnlyUntagged() throws Exception {
        String id = ok(podman.run("import", "--change", "CMD [\"true\"]", root.resolve("rootfs.tar").toString(),
                "localhost/pm:1")).replace("sha256:", "");
        ok(podman.run("tag", "localhost/pm:1", "localhost/pm:2"));
        ok(podman.run("create", "--name", "podman-user", "--network", "none", "localhost/pm:1"));

        assertThat(ok(podman.run("rmi", "-f", "localhost/pm:1"))).isEqualTo("Untagged: localhost/pm:1");
        assertThat(ok(podman.run("container", "exists", "podman-user"))).isEmpty();
        assertThat(ok(podman.run("image", "exists", "localhost/pm:2"))).isEmpty();

        ProcessRunner.Result refused = podman.run("rmi", "localhost/pm:2");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(ok(podman.run("container", "exists", "podman-user"))).isEmpty();

        String removed = ok(podman.run("rmi", "-f", "localhost/pm:2"));
        assertThat(removed).contains("Deleted: sha256:" + id);
        assertThat(podman.run("container", "exists", "podman-user").exitCode()).isNotZero();
        assertThat(podman.run("image", "exists", id).exitCode()).isNotZero();
    }

    private static String ok(ProcessRunner.Result r) {
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        return r.stdout().strip();
    }
}
