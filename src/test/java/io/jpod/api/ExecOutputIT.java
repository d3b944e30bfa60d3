package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Testcontainers (docker-java over the Unix socket) reading exec output and container logs through jpod: the
 * hijacked exec stream and the multiplexed log stream, stdout and stderr kept apart.
 */
class ExecOutputIT {

    static Path root;
    static TestDaemon daemon;
    static GenericContainer<?> container;
    static final List<OutputFrame> frames = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-tcexec");
        daemon = TestDaemon.start(io.jpod.testing.TestcontainersClient.onSharedSocket(TestDaemon.isolated(root)));
        HttpResponse<String> busybox = daemon.send(HttpRequest.newBuilder(
                daemon.uri("/images/create?fromSrc=-&repo=busybox&tag=latest"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TarBuilder.busyboxRootfs())).build());
        assertThat(busybox.statusCode()).as(busybox.body()).isEqualTo(200);
        io.jpod.testing.TestcontainersClient.configure();
        container = new GenericContainer<>(DockerImageName.parse("busybox:latest"))
                .withCommand("sh", "-c", "echo to-out; echo to-err >&2; echo ready; sleep 300")
                .withLogConsumer(frames::add)
                .waitingFor(Wait.forLogMessage("ready\\n", 1).withStartupTimeout(Duration.ofSeconds(30)));
        container.start();
    }

    @AfterAll
    static void stop() {
        try {
            if (container != null) {
                container.stop();
            }
        } finally {
            if (daemon != null) {
                daemon.close();
            }
            FileSystemUtils.deleteRecursively(root.toFile());
        }
    }

    @Test
    void execSeparatesStdoutAndStderrAndReportsTheExitCode() throws Exception {
        ExecResult r = container.execInContainer("sh", "-c", "echo out; echo err >&2; exit 3");
        assertThat(r.getExitCode()).isEqualTo(3);
        assertThat(r.getStdout()).isEqualTo("out\n");
        assertThat(r.getStderr()).isEqualTo("err\n");
    }

    @Test
    void execStreamsAMebibyte() throws Exception {
        ExecResult r = container.execInContainer("sh", "-c", "yes 0123456789abcde | head -c 1048576");
        assertThat(r.getExitCode()).isZero();
        assertThat(r.getStdout()).hasSize(1 << 20).startsWith("0123456789abcde\n0123").endsWith("abcde\n");
        assertThat(r.getStderr()).isEmpty();
    }

    @Test
    void execWithoutStdinSeesItsEnd() throws Exception {
        // no stdin attached: a reader of stdin ends at once instead of waiting for input that never comes
        ExecResult r = container.execInContainer("sh", "-c", "cat; echo after-cat");
        assertThat(r.getExitCode()).isZero();
        assertThat(r.getStdout()).isEqualTo("after-cat\n");
    }

    /**
     * The bytes a client gets, as a Docker Engine sends them: {@code 200} with an unframed body (no length, not
     * chunked) ending at the close when no upgrade was asked for (docker-java without input), {@code 101} when
     * it was (the docker CLI); the multiplexed frames behind either.
     */
    @Test
    void execStartAnswersWithOrWithoutTheUpgrade() throws Exception {
        byte[] frames = {1, 0, 0, 0, 0, 0, 0, 4, 'o', 'u', 't', '\n', 2, 0, 0, 0, 0, 0, 0, 4, 'e', 'r', 'r', '\n'};
        String plain = rawExecStart("");
        assertThat(plain).startsWith("HTTP/1.1 200 ")
                .containsIgnoringCase("Content-Type: application/vnd.docker.raw-stream")
                .doesNotContainIgnoringCase("Content-Length").doesNotContainIgnoringCase("Transfer-Encoding")
                .endsWith("\r\n\r\n" + new String(frames, StandardCharsets.ISO_8859_1));
        String upgraded = rawExecStart("Connection: Upgrade\r\nUpgrade: tcp\r\n");
        assertThat(upgraded).startsWith("HTTP/1.1 101 ").containsIgnoringCase("Upgrade: tcp")
                .endsWith("\r\n\r\n" + new String(frames, StandardCharsets.ISO_8859_1));
    }

    /** Creates an exec that writes "out" and "err", starts it over the Unix socket and reads until the close. */
    static String rawExecStart(String extraHeaders) throws Exception {
        HttpResponse<String> created = daemon.send(HttpRequest.newBuilder(
                daemon.uri("/containers/" + container.getContainerId() + "/exec"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"AttachStdout\":true,\"AttachStderr\":true,"
                        + "\"Cmd\":[\"sh\",\"-c\",\"echo out; sleep 0.1; echo err >&2\"]}")).build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = created.body().replaceAll("(?s).*\"Id\":\"([0-9a-f]+)\".*", "$1");
        String body = "{\"Detach\":false,\"Tty\":false}";
        String request = "POST /v1.41/exec/" + id + "/start HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\n" + extraHeaders + "Content-Length: " + body.length()
                + "\r\n\r\n" + body;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(daemon.socket()))) {
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                got.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * docker-java's attach (no input, so no upgrade asked for) to a container before it starts: everything
     * its process writes arrives, stdout and stderr apart, and the stream ends at its exit.
     */
    @Test
    void attachBeforeTheStartSeesAllTheOutput() throws Exception {
        DockerClient client = container.getDockerClient();
        String id = client.createContainerCmd("busybox:latest")
                .withCmd("sh", "-c", "echo first; echo second >&2; echo third")
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none")).exec().getId();
        try {
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            var attached = client.attachContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame f) {
                            String text = new String(f.getPayload(), StandardCharsets.UTF_8);
                            (f.getStreamType() == StreamType.STDERR ? err : out).append(text);
                        }
                    });
            // docker-java sends the attach in the background: started once the answer is in, as docker run does
            assertThat(attached.awaitStarted(20, TimeUnit.SECONDS)).as("the attach's answer").isTrue();
            client.startContainerCmd(id).exec();
            assertThat(attached.awaitCompletion(20, TimeUnit.SECONDS)).as("the stream ends at the exit").isTrue();
            assertThat(out.toString()).isEqualTo("first\nthird\n");
            assertThat(err.toString()).isEqualTo("second\n");
        } finally {
            client.removeContainerCmd(id).withForce(true).exec();
        }
    }

    @Test
    void logsKeepStdoutAndStderrApart() {
        assertThat(container.getLogs(OutputType.STDOUT)).isEqualTo("to-out\nready\n");
        assertThat(container.getLogs(OutputType.STDERR)).isEqualTo("to-err\n");
        assertThat(container.getLogs()).contains("to-out\n", "to-err\n", "ready\n");
        // the follower Testcontainers attached at start
        assertThat(frames).filteredOn(f -> f.getType() == OutputType.STDOUT).extracting(OutputFrame::getUtf8String)
                .contains("to-out\n", "ready\n").doesNotContain("to-err\n");
        assertThat(frames).filteredOn(f -> f.getType() == OutputType.STDERR).extracting(OutputFrame::getUtf8String)
                .contains("to-err\n");
    }
}
