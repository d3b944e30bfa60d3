package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.image.ImageStore;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** With {@code storage.driver = vfs} a container's rootfs is a copy of its layers, whiteouts applied. */
class VfsDriverIT {

    @TempDir
    Path root;

    @Test
    void containersRunOnACopiedRootfsWithWhiteoutsApplied() throws Exception {
        Map<String, Object> props = TestDaemon.isolated(root);
        props.put("libpod.storage.driver", "vfs");
        try (TestDaemon d = TestDaemon.start(props)) {
            byte[] base = TarBuilder.busyboxRootfs();
            byte[] top = new TarBuilder().dir("etc", 0755).file("etc/.wh.group", "").file("etc/motd", "hi\n")
                    .build();
            JsonMapper json = JsonMapper.builder().build();
            var config = json.createObjectNode().put("architecture", "amd64").put("os", "linux");
            config.putObject("config").putArray("Cmd").add("sh");
            config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(TarBuilder.sha256(base))
                    .add(TarBuilder.sha256(top));
            var entry = json.createObjectNode().put("Config", "c.json");
            entry.putArray("RepoTags").add("localhost/two:1");
            entry.putArray("Layers").add("a.tar").add("b.tar");
            byte[] archive = new TarBuilder().file("a.tar", 0644, base).file("b.tar", 0644, top)
                    .file("c.json", 0644, json.writeValueAsBytes(config))
                    .file("manifest.json", 0644, json.writeValueAsBytes(json.createArrayNode().add(entry))).build();
            d.bean(ImageStore.class).load(new ByteArrayInputStream(archive));
            ContainerService containers = d.bean(ContainerService.class);
            containers.create(CreateRequest.of("v", "localhost/two:1",
                    List.of("sh", "-c", "cat /etc/motd; test -e /etc/group && echo group-present || echo group-gone")));
            containers.start("v");
            assertThat(containers.waitForExit("v", Duration.ofSeconds(20))).isZero();
            assertThat(Files.readAllLines(containers.logPath("v"))).extracting(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .containsExactly("hi", "group-gone");
            assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(root.toString());
            containers.remove("v", false);

            // diff and commit compare the copied root with the layers
            containers.create(CreateRequest.of("changer", "localhost/two:1",
                    List.of("sh", "-c", "echo hi > /f; rm /bin/ls; echo x >> /etc/motd")));
            containers.start("changer");
            assertThat(containers.waitForExit("changer", Duration.ofSeconds(20))).isZero();
            assertThat(containers.files().changes("changer")).containsExactly(
                    new ContainerFiles.Change("/bin", 0), new ContainerFiles.Change("/bin/ls", 2),
                    new ContainerFiles.Change("/etc/motd", 0), new ContainerFiles.Change("/f", 1));
            assertThat(containers.files().stat("changer", "/f").size()).isEqualTo(3);
            var image = containers.commit("changer", List.of("localhost/vfscommit:1"), "", "", List.of(), false);
            containers.create(CreateRequest.of("check", image.id(),
                    List.of("sh", "-c", "cat /f /etc/motd; test -e /bin/ls || echo ls-gone")));
            containers.start("check");
            assertThat(containers.waitForExit("check", Duration.ofSeconds(20))).isZero();
            assertThat(Files.readAllLines(containers.logPath("check"))).extracting(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .containsExactly("hi", "hi", "x", "ls-gone");
            containers.remove("check", false);
            containers.remove("changer", false);
        }
    }
}
