package io.jpod.host;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host binary to completion and captures what it printed. Output goes to temporary files,
 * not pipes: binaries such as {@code runc run -d} or conmon leave children behind that inherit
 * stdout and stderr, and a pipe would then never reach end-of-file.
 */
public final class ProcessRunner {

    /** The outcome of one run. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private ProcessRunner() {}

    public static Result run(List<String> argv, Duration timeout) throws IOException {
        return run(argv, Map.of(), timeout);
    }

    public static Result run(List<String> argv, Map<String, String> env, Duration timeout) throws IOException {
        return run(argv, env, Path.of("/dev/null"), timeout);
    }

    /** With {@code stdin} as the process's standard input. */
    public static Result run(List<String> argv, Map<String, String> env, Path stdin, Duration timeout)
            throws IOException {
        return run(argv, env, ProcessBuilder.Redirect.from(stdin.toFile()), null, timeout);
    }

    /**
     * With {@code input} written to the process's standard input: small inputs only (a few KiB,
     * within a pipe's buffer), which the process reads whole, as CNI plugins do.
     */
    public static Result run(List<String> argv, Map<String, String> env, byte[] input, Duration timeout)
            throws IOException {
        return run(argv, env, ProcessBuilder.Redirect.PIPE, input, timeout);
    }

    private static Result run(List<String> argv, Map<String, String> env, ProcessBuilder.Redirect in, byte[] input,
            Duration timeout) throws IOException {
        File out = File.createTempFile("jpod-out", ".txt");
        File err = File.createTempFile("jpod-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectInput(in)
                    .redirectOutput(out)
                    .redirectError(err);
            pb.environment().putAll(env);
            Process process = pb.start();
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input);
                } catch (IOException closedEarly) {
                    // the process did not read its input: its exit status tells why
                }
            }
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IOException(argv.get(0) + " did not finish within " + timeout.toSeconds() + "s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + argv.get(0), e);
            }
            return new Result(argv, process.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out.toPath());
            Files.deleteIfExists(err.toPath());
        }
    }
}
