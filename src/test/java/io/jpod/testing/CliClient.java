package io.jpod.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real CLI client (docker, podman --remote) pointed at a test daemon, with its own environment
 * (config dirs under the test's root, never the host user's) and a timeout. Immutable: the
 * {@code with...} methods return a new client.
 */
public final class CliClient {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Duration timeout;

    /** {@code command} is the program and its leading options; each call's arguments follow it. */
    public CliClient(List<String> command, Map<String, String> env, Duration timeout) {
        this(command.get(0), command, env, timeout);
    }

    private CliClient(String name, List<String> command, Map<String, String> env, Duration timeout) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.timeout = timeout;
    }

    /** {@code docker -H <daemon>} with {@code DOCKER_CONFIG=configDir}, 60 s per call. */
    public static CliClient docker(TestDaemon daemon, Path configDir) {
        return new CliClient(List.of("docker", "-H", daemon.dockerHost()),
                Map.of("DOCKER_CONFIG", configDir.toString()), DEFAULT_TIMEOUT);
    }

    /**
     * {@code podman --remote --url <daemon>} with {@code root/containers.conf} as CONTAINERS_CONF and
     * {@code root/config} as XDG_CONFIG_HOME, 60 s per call.
     */
    public static CliClient podman(TestDaemon daemon, Path root) {
        return new CliClient(List.of("podman", "--remote", "--url", daemon.dockerHost()),
                Map.of("CONTAINERS_CONF", root.resolve("containers.conf").toString(),
                        "XDG_CONFIG_HOME", root.resolve("config").toString()), DEFAULT_TIMEOUT);
    }

    /** This client with one more (or another) environment variable. */
    public CliClient withEnv(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        return new CliClient(this.name, command, more, timeout);
    }

    /** This client with {@code env} instead of its environment. */
    public CliClient withOnlyEnv(Map<String, String> env) {
        return new CliClient(name, command, env, timeout);
    }

    public CliClient withTimeout(Duration timeout) {
        return new CliClient(name, command, env, timeout);
    }

    /**
     * This client under {@code timeout(1)}: a call that hangs ends with exit 124 after {@code seconds},
     * failing its test, well before {@link #withTimeout} would give up on it.
     */
    public CliClient withDeadline(int seconds) {
        List<String> wrapped = new ArrayList<>(List.of("timeout", Integer.toString(seconds)));
        wrapped.addAll(command);
        return new CliClient(name, wrapped, env, timeout);
    }

    /** Runs the command with {@code args}, whatever its exit code. */
    public ProcessRunner.Result run(String... args) throws Exception {
        return ProcessRunner.run(argv(args), env, timeout);
    }

    /** Runs with the file {@code stdin} as the command's standard input. */
    public ProcessRunner.Result run(Path stdin, String... args) throws Exception {
        return ProcessRunner.run(argv(args), env, stdin, timeout);
    }

    /** Runs with {@code stdin} as the command's standard input (small inputs, such as a password). */
    public ProcessRunner.Result run(byte[] stdin, String... args) throws Exception {
        return ProcessRunner.run(argv(args), env, stdin, timeout);
    }

    /** Runs, asserts exit 0 (the message shows the call, stdout and stderr), returns stdout stripped. */
    public String ok(String... args) throws Exception {
        ProcessRunner.Result r = run(args);
        assertThat(r.exitCode()).as(describe(args) + ": " + r.stdout() + r.stderr()).isZero();
        return r.stdout().strip();
    }

    /** Runs, asserts a non-zero exit, returns the result for assertions on the failure (often its stderr). */
    public ProcessRunner.Result fails(String... args) throws Exception {
        ProcessRunner.Result r = run(args);
        assertThat(r.exitCode()).as(describe(args) + " should fail: " + r.stdout()).isNotZero();
        return r;
    }

    private List<String> argv(String... args) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of(args));
        return argv;
    }

    // The program's name and the call's own arguments; the socket URL would only add noise.
    private String describe(String... args) {
        return name + " " + String.join(" ", args);
    }
}
