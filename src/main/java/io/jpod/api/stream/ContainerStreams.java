package io.jpod.api.stream;

import io.jpod.container.ContainerService;
import io.jpod.container.LogReader;
import io.jpod.error.EngineException;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Container output as Docker and podman clients read it (logs and hijacked attach), shared by both
 * API adapters: the wire format is the same multiplexed stream.
 */
public final class ContainerStreams {

    public static final MediaType RAW_STREAM = MediaType.parseMediaType("application/vnd.docker.raw-stream");

    /** Which lines to send and how. {@code since}/{@code until} are inclusive bounds, null for none. */
    public record LogOptions(boolean stdout, boolean stderr, boolean timestamps, Instant since, Instant until) {}

    private ContainerStreams() {}

    /**
     * The body of a logs request: the stored lines (the last {@code tail}, negative for all), then
     * new ones until the container stops or {@code stopping} says the daemon does.
     */
    public static StreamingResponseBody logs(ContainerService containers, String nameOrId, LogOptions opts,
            int tail, boolean follow, java.util.function.BooleanSupplier stopping) {
        if (!opts.stdout() && !opts.stderr()) {
            throw EngineException.invalidArgument("you must choose at least one stream");
        }
        StoredContainer c = containers.inspect(nameOrId);
        boolean tty = c.config().run() != null && c.config().run().tty();
        if (c.config().run() != null && c.config().run().log().none()) {
            // Docker's words for a container whose logging driver keeps nothing
            throw EngineException.invalidArgument("configured logging driver does not support reading: container "
                    + c.name() + " has the none logging driver");
        }
        Path log = containers.logPath(c.id());
        return out -> {
            boolean[] live = {false}; // stored lines go out in one flush, followed ones one by one
            try {
                LogReader.tail(log, tail, follow, line -> {
                    try {
                        write(out, line, opts, tty);
                        if (live[0]) {
                            out.flush();
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, () -> {
                    live[0] = true;
                    try {
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, () -> stopping.getAsBoolean() || !isActive(containers, c.id()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (UncheckedIOException e) {
                // the client went away
            }
        };
    }

    /**
     * Answers 101 and makes the connection a client of conmon's attach socket: at once for a
     * running container, else at its next start, before its process runs. conmon sends the
     * output as it happens and closes at the exit, after the last byte, so nothing is lost even
     * when the container is removed right after ({@code run --rm}); the client's input becomes
     * the container's stdin when it attaches with it and the container keeps stdin open.
     */
    public static void attach(ContainerService containers, String nameOrId, boolean stdin, boolean stdout,
            boolean stderr, HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        StoredContainer c = containers.inspect(nameOrId);
        var run = c.config().run();
        boolean tty = run != null && run.tty();
        boolean withStdin = stdin && run != null && run.stdin();
        boolean running = c.state().status() == ContainerStatus.RUNNING
                || c.state().status() == ContainerStatus.PAUSED;
        hijack(request, response, handler -> handler.configure(containers, c.id(), running, withStdin, stdout,
                stderr, tty));
    }

    /** {@code Detach}: starts and answers at once; else the hijacked stream until the process ends. */
    public static void execStart(io.jpod.container.ExecService execs, String execId, boolean detach, boolean tty,
            HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        if (detach) {
            execs.start(execId, null);
            response.setStatus(HttpStatus.OK.value());
            return;
        }
        execAttach(execs, execId, tty, request, response);
    }

    /**
     * Starts an exec session attached to this connection: answers 101, connects conmon's attach
     * socket before the process runs, and closes after the exit is recorded.
     */
    public static void execAttach(io.jpod.container.ExecService execs, String execId, boolean tty,
            HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        var session = execs.inspect(execId);
        if (!session.status().equals("created")) {
            throw EngineException.invalidState("exec session " + execId + " has already been started");
        }
        // connected before the process runs; the upgrade only once the start has worked, so a
        // failure is still an ordinary JSON error
        io.jpod.oci.AttachSocket[] socket = new io.jpod.oci.AttachSocket[1];
        String failed = null;
        try {
            execs.start(execId, path -> {
                try {
                    socket[0] = io.jpod.oci.AttachSocket.connect(path);
                } catch (IOException e) {
                    throw EngineException.internal("attaching to exec " + execId + ": " + e.getMessage(), e);
                }
            });
        } catch (EngineException e) {
            if (e.category() != EngineException.Category.RUNTIME_FAILURE) {
                throw e;
            }
            // the process could not start (a missing program): like Docker, the stream carries the
            // runtime's message and inspect the exit code
            failed = "OCI runtime exec failed: " + e.getMessage();
        }
        String failure = failed;
        hijack(request, response, handler -> {
            if (failure != null) {
                handler.configureFailure(failure, tty || session.tty());
            } else {
                handler.configureExec(execId, socket[0], session.stdin(), tty || session.tty(), execs.exit(execId),
                        headerGrace(request));
            }
        });
    }

    /**
     * Takes the connection over for a stream, answering as Docker does: {@code 101} when the client
     * asked for the upgrade ({@code Upgrade: tcp}), else {@code 200} with a body that is neither
     * chunked nor sized and ends when the connection closes. docker-java sends no {@code Upgrade}
     * when it has no input to send (Testcontainers' {@code execInContainer}, its attach), and its
     * Apache HttpClient fails on a 101 it did not ask for ("Unsupported or invalid protocol: tcp").
     */
    private static void hijack(HttpServletRequest request, HttpServletResponse response,
            java.util.function.Consumer<AttachHandler> configure) throws IOException, ServletException {
        String upgrade = request.getHeader("Upgrade");
        boolean asked = upgrade != null && upgrade.equalsIgnoreCase("tcp");
        if (asked) {
            response.setHeader("Connection", "Upgrade");
            response.setHeader("Upgrade", "tcp");
        } else {
            // without it, Tomcat would frame the stream as chunked
            response.setHeader("Connection", "close");
        }
        response.setContentType(RAW_STREAM.toString());
        // configured before the answer goes out: a client that starts the container once it has the
        // answer (docker run, start -a) must find the attach in place
        configure.accept(request.upgrade(AttachHandler.class));
        if (!asked) {
            // Tomcat's upgrade set 101; committed here, else at the handler's return Tomcat would size
            // the still empty body (length 0)
            response.setStatus(HttpStatus.OK.value());
            response.flushBuffer();
        }
    }

    /**
     * podman's client reads the 101 answer through a buffer but the stream from the raw socket, so
     * output sent right behind the headers is lost in that buffer; an exec's first output can be
     * ready at once. Clients other than docker's get the headers a moment ahead of the output.
     */
    private static long headerGrace(HttpServletRequest request) {
        String agent = request.getHeader("User-Agent");
        return agent != null && agent.startsWith("Docker-Client/") ? 0 : 100;
    }

    private static void write(OutputStream out, LogReader.Line line, LogOptions opts, boolean tty) throws IOException {
        if ((line.stderr() && !opts.stderr()) || (!line.stderr() && !opts.stdout())) {
            return;
        }
        Instant t = line.time();
        if ((opts.since() != null && t.isBefore(opts.since())) || (opts.until() != null && t.isAfter(opts.until()))) {
            return;
        }
        String text = (opts.timestamps() ? t + " " : "") + line.text() + "\n";
        Frames.write(out, line.stderr() ? 2 : 1, text.getBytes(StandardCharsets.UTF_8), tty);
    }

    /**
     * A log time bound as the clients send it: Unix seconds with an optional fraction (docker),
     * or RFC 3339 (podman, which sends year 1 for "none"). Empty, zero and year 1 mean no bound.
     */
    public static Instant parseTime(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            if (value.matches("\\d+(\\.\\d+)?")) {
                BigDecimal secs = new BigDecimal(value);
                if (secs.signum() == 0) {
                    return null;
                }
                long whole = secs.toBigInteger().longValueExact(); // past 64 bits: refused, not wrapped
                long nanos = secs.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
                return Instant.ofEpochSecond(whole, nanos);
            }
            Instant t = java.time.OffsetDateTime.parse(value).toInstant();
            return t.isBefore(Instant.EPOCH) ? null : t;
        } catch (java.time.DateTimeException | ArithmeticException e) {
            throw EngineException.invalidArgument("invalid time \"" + value
                    + "\": use Unix seconds or an RFC 3339 time");
        }
    }

    /**
     * Waits for {@code done} unless the daemon stops first (then {@code UNAVAILABLE}): a wait on a
     * container that keeps running must not hold the web server's graceful shutdown.
     */
    public static <T> T await(java.util.concurrent.CompletableFuture<T> done,
            java.util.function.BooleanSupplier stopping) {
        while (true) {
            try {
                return done.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (stopping.getAsBoolean()) {
                    throw new EngineException(EngineException.Category.UNAVAILABLE,
                            "the daemon is shutting down; the container keeps running");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(EngineException.Category.UNAVAILABLE, "interrupted while waiting");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re
                        : EngineException.internal("waiting: " + e.getCause(), e.getCause());
            } catch (java.util.concurrent.CancellationException e) {
                throw EngineException.invalidState("the container was removed before an exit was recorded");
            }
        }
    }

    /** {@code all} (docker), a negative number (podman) or a count. */
    public static int parseTail(String tail) {
        if (tail == null || tail.isEmpty() || tail.equals("all")) {
            return -1;
        }
        try {
            return Integer.parseInt(tail);
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("invalid tail value: " + tail);
        }
    }

    private static boolean isActive(ContainerService containers, String id) {
        try {
            return containers.isActive(id);
        } catch (EngineException gone) {
            return false;
        }
    }
}
