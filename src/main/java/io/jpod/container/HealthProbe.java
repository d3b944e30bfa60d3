package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.state.ContainerConfig.Healthcheck;
import io.jpod.state.ContainerHealth;
import io.jpod.state.ExecSession;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One health check: the check's command as an exec session in the container (conmon writes its
 * output to the session's log), killed when it outlasts the timeout; the session and its files go
 * again afterwards, so checks leave nothing behind.
 */
final class HealthProbe {

    private static final Log LOG = LogFactory.getLog(HealthProbe.class);

    /** Docker keeps this much of a check's output. */
    static final int MAX_OUTPUT = 4096;

    private final ExecService execs;
    private final State state;
    private final ContainerPaths paths;

    HealthProbe(ExecService execs, State state, ContainerPaths paths) {
        this.execs = execs;
        this.state = state;
        this.paths = paths;
    }

    /** A check's process while it runs; killing it makes the check fail. */
    record Running(int pid) {
        void kill() {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
    }

    record Outcome(ContainerHealth.Result result) {}

    /**
     * Runs the check in {@code c}; null when the container is not running (then there is nothing to
     * record). {@code started} gets the process as soon as it runs.
     */
    Outcome run(StoredContainer c, Healthcheck h, Consumer<Running> started) {
        Instant start = Instant.now();
        ExecSession s;
        try {
            s = execs.create(c.id(), new ExecService.Request(HealthSettings.argv(h, List.of()), List.of(), "", "",
                    false, false));
        } catch (EngineException e) {
            return null; // stopped or gone since
        }
        Path dir = paths.layout(c.id()).userdata().resolve("exec").resolve(s.id());
        try {
            ExecSession running;
            try {
                running = execs.start(s.id(), null);
            } catch (EngineException e) {
                if (e.category() == EngineException.Category.INVALID_STATE
                        || e.category() == EngineException.Category.NOT_FOUND) {
                    return null;
                }
                // the command could not be run: a failed check, with the runtime's word for it
                return new Outcome(new ContainerHealth.Result(start, Instant.now(), exitCodeOf(s.id(), -1),
                        truncate(e.getMessage())));
            }
            Running r = new Running(running.pid());
            started.accept(r);
            Duration timeout = h.effectiveTimeout();
            int code;
            try {
                code = execs.exit(s.id()).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                r.kill();
                awaitExit(s.id());
                return new Outcome(new ContainerHealth.Result(start, Instant.now(), -1,
                        "Health check exceeded timeout (" + goDuration(timeout) + ")"));
            } catch (ExecutionException e) {
                code = -1;
            } catch (InterruptedException e) {
                r.kill();
                awaitExit(s.id());
                Thread.currentThread().interrupt();
                return null;
            }
            Instant end = Instant.now();
            return new Outcome(new ContainerHealth.Result(start, end, code, output(dir.resolve("exec_log"))));
        } finally {
            forget(s.id(), dir);
        }
    }

    private int exitCodeOf(String session, int fallback) {
        try {
            ExecSession s = execs.inspect(session);
            return s.status().equals("exited") ? s.exitCode() : fallback;
        } catch (EngineException e) {
            return fallback;
        }
    }

    private void awaitExit(String session) {
        try {
            execs.exit(session).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("a timed-out health check of session " + session + " did not report its end");
        }
    }

    /** The check's session is no exec a client made: it leaves the state and the disk. */
    private void forget(String session, Path dir) {
        try {
            state.removeExecSession(session);
        } catch (RuntimeException e) {
            LOG.debug("removing health check session " + session + ": " + e.getMessage());
        }
        Trees.delete(dir);
    }

    /** stdout and stderr as they came, each line with its newline, cut at Docker's limit. */
    private static String output(Path log) {
        StringBuilder b = new StringBuilder();
        try {
            for (LogReader.Line l : LogReader.read(log)) {
                b.append(l.text()).append('\n');
                if (b.length() > MAX_OUTPUT) {
                    break;
                }
            }
        } catch (IOException e) {
            LOG.debug("reading a health check's output: " + e.getMessage());
        }
        return truncate(b.toString());
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > MAX_OUTPUT ? s.substring(0, MAX_OUTPUT) : s;
    }

    /** A duration as Go prints one ({@code 1s}, {@code 500ms}, {@code 1m30s}), as Docker's timeout message has it. */
    static String goDuration(Duration d) {
        long n = d.toNanos();
        if (n == 0) {
            return "0s";
        }
        if (n < 1_000L) {
            return n + "ns";
        }
        if (n < 1_000_000L) {
            return fraction(n, 1_000L) + "µs";
        }
        if (n < 1_000_000_000L) {
            return fraction(n, 1_000_000L) + "ms";
        }
        long h = n / 3_600_000_000_000L;
        long m = n / 60_000_000_000L % 60;
        String s = fraction(n % 60_000_000_000L, 1_000_000_000L) + "s";
        return h > 0 ? h + "h" + m + "m" + s : m > 0 ? m + "m" + s : s;
    }

    private static String fraction(long n, long unit) {
        String whole = Long.toString(n / unit);
        if (n % unit == 0) {
            return whole;
        }
        String digits = String.format("%0" + (Long.toString(unit).length() - 1) + "d", n % unit);
        return whole + "." + digits.replaceAll("0+$", "");
    }
}
