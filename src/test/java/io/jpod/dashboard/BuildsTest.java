package io.jpod.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's build jobs and form parsing, with work that stands in for the builder. */
class BuildsTest {

    final Builds builds = new Builds();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        builds.close();
    }

    static Build.Snapshot awaitDone(Build b) throws InterruptedException {
        long seen = -1;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!b.snapshot(0).done() && System.nanoTime() < end) {
            seen = b.awaitChange(seen, 500);
        }
        assertThat(b.snapshot(0).done()).as("build finished").isTrue();
        return b.snapshot(0);
    }

    @Test
    void theLogIsSplitIntoLinesAndReadFromAnyLineOn() throws Exception {
        Path context = Files.writeString(dir.resolve("ctx.tar"), "x");
        Build b = builds.start("app:1", context, l -> {
            l.stream("Step 1/2 : FROM busybox\n ---> 0123");
            l.stream("4567\nmarker\r\nno newline at the end");
            return "sha256:0123456789abcdef";
        });
        Build.Snapshot s = awaitDone(b);
        assertThat(s.state()).isEqualTo(Transfer.State.SUCCEEDED);
        assertThat(s.lines()).containsExactly("Step 1/2 : FROM busybox", " ---> 01234567", "marker",
                "no newline at the end");
        assertThat(s.next()).isEqualTo(4);
        assertThat(b.snapshot(2).lines()).containsExactly("marker", "no newline at the end");
        assertThat(b.snapshot(4).lines()).isEmpty();
        assertThat(s.imageId()).isEqualTo("0123456789abcdef");
        assertThat(s.shortId()).isEqualTo("0123456789ab");
        assertThat(s.notice()).isEqualTo("built app:1");
        assertThat(s.log()).startsWith("Step 1/2 : FROM busybox\n ---> 01234567\n");
        assertThat(context).as("the uploaded context is deleted when the job ends").doesNotExist();
    }

    @Test
    void aLongLogKeepsItsLastLines() throws Exception {
        Build b = builds.start("big", dir.resolve("none.tar"), l -> {
            for (int i = 0; i < Build.MAX_LINES + 10; i++) {
                l.stream("line " + i + "\n");
            }
            return "sha256:ab";
        });
        Build.Snapshot s = awaitDone(b);
        assertThat(s.from()).isEqualTo(10);
        assertThat(s.lines()).hasSize(Build.MAX_LINES).first().isEqualTo("line 10");
    }

    @Test
    void aFailureIsShownWithTheEnginesMessage() throws Exception {
        Build b = builds.start("bad", dir.resolve("none.tar"), l -> {
            l.stream("Step 1/1 : FROM nothing\n");
            throw EngineException.notFound("no such image: nothing");
        });
        Build.Snapshot s = awaitDone(b);
        assertThat(s.state()).isEqualTo(Transfer.State.FAILED);
        assertThat(s.error()).isEqualTo("no such image: nothing");
        assertThat(s.exitCode()).isNull();
        assertThat(s.lines()).containsExactly("Step 1/1 : FROM nothing");
    }

    @Test
    void cancelInterruptsARunningBuild() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Build b = builds.start("slow", dir.resolve("none.tar"), l -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw EngineException.invalidState("the build was cancelled");
            }
            return "sha256:never";
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(builds.cancel(b.id())).isTrue();
        Build.Snapshot s = awaitDone(b);
        assertThat(s.state()).isEqualTo(Transfer.State.CANCELLED);
        assertThat(s.notice()).isEqualTo("build of slow cancelled");
        assertThat(s.error()).isNull();
        assertThat(builds.cancel(b.id())).isFalse();
    }

    @Test
    void anUnknownBuildIsNotFound() {
        assertThatThrownBy(() -> builds.get("nope")).isInstanceOf(EngineException.class)
                .hasMessageContaining("no such build");
    }

    @Test
    void tagsAndBuildArgumentsFromTheForm() {
        assertThat(BuildsPage.tags(" app:1, app:latest\nother ")).containsExactly("app:1", "app:latest", "other");
        assertThat(BuildsPage.tags("  ")).isEmpty();
        assertThatThrownBy(() -> BuildsPage.tags("Bad Name")).isInstanceOf(EngineException.class);
        assertThat(BuildsPage.buildArgs("A=1\n\n B = x=y \nEMPTY=")).isEqualTo(Map.of("A", "1", "B", " x=y",
                "EMPTY", ""));
        assertThatThrownBy(() -> BuildsPage.buildArgs("NOVALUE")).isInstanceOf(EngineException.class)
                .hasMessageContaining("KEY=VALUE");
    }

    @Test
    void aDockerfileAloneBecomesAOneFileContext() throws Exception {
        Path tar = dir.resolve("ctx.tar");
        BuildsPage.oneFileTar("FROM busybox\n".getBytes(StandardCharsets.UTF_8), tar);
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            TarArchiveEntry e = t.getNextEntry();
            assertThat(e.getName()).isEqualTo("Dockerfile");
            assertThat(new String(t.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("FROM busybox\n");
            assertThat(t.getNextEntry()).isNull();
        }
    }
}
