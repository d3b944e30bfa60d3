package io.jpod.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import io.jpod.testing.Bundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What every {@link OciRuntime} must do, run against real containers: the lifecycle as the
 * runtime reports it, exec, exit codes in the exit dir, and the failures the container layer relies
 * on (RUNTIME_FAILURE for a move the container's state does not allow, UNAVAILABLE with the fix for
 * a missing binary). An implementation's test extends this and says how to build it.
 */
public abstract class OciRuntimeContract {

    /** A binary an implementation can be made without. */
    protected enum Missing { RUNTIME, CONMON }

    /** A container this suite made. */
    protected record Ctr(String id, Path bundle, Created created) {}

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    protected Path tmp;

    protected OciRuntime oci;
    private final List<String> made = new ArrayList<>();

    /** The implementation under test: its containers under {@code root}, their exit codes in files in {@code exitDir}. */
    protected abstract OciRuntime newRuntime(Path root, Path exitDir);

    /** The implementation as it is built when {@code which} is not installed. */
    protected abstract OciRuntime newRuntimeWithout(Missing which, Path root, Path exitDir);

    /** An OCI bundle running {@code args} in a busybox userland. */
    protected Path bundle(Path dir, List<String> args) throws Exception {
        return Bundles.busybox(dir, args);
    }

    protected Path root() {
        return tmp.resolve("root");
    }

    protected Path exitDir() {
        return tmp.resolve("exits");
    }

    @BeforeEach
    void newRuntime() {
        oci = newRuntime(root(), exitDir());
    }

    /** Every container made here goes, whatever the test did to it. */
    @AfterEach
    void deleteMade() {
        for (String id : made) {
            try {
                oci.delete(id);
            } catch (RuntimeException e) {
                // the implementation's own test cleans up behind a broken delete
            }
        }
    }

    protected List<String> made() {
        return List.copyOf(made);
    }

    // ---- the lifecycle -----------------------------------------------------------------------

    @Test
    void createLeavesAContainerCreatedUnderALiveConmon() throws Exception {
        Ctr c = create("/bin/sleep", "1000");
        assertThat(oci.status(c.id())).isEqualTo("created");
        assertThat(c.created().pid()).isPositive();
        assertThat(c.created().conmonPid()).isPositive().isNotEqualTo(c.created().pid());
        assertThat(alive(c.created().pid())).isTrue();
        assertThat(alive(c.created().conmonPid())).isTrue();
    }

    @Test
    void startRunsTheContainerAndItsProcessesIncludeInit() throws Exception {
        Ctr c = running("/bin/sleep", "1000");
        assertThat(oci.processes(c.id())).contains(c.created().pid());
    }

    @Test
    void pauseFreezesAndResumeThaws() throws Exception {
        Ctr c = running("/bin/sleep", "1000");
        oci.pause(c.id());
        assertThat(oci.status(c.id())).isEqualTo("paused");
        oci.resume(c.id());
        assertThat(oci.status(c.id())).isEqualTo("running");
    }

    @Test
    void resumeOfARunningContainerIsARuntimeFailure() throws Exception {
        Ctr c = running("/bin/sleep", "1000");
        assertRuntimeFailure(() -> oci.resume(c.id()));
        assertThat(oci.status(c.id())).isEqualTo("running");
    }

    @Test
    void aContainerThatExitsLeavesItsCodeInTheExitFileAndItsOutputInTheLog() throws Exception {
        Ctr c = create("/bin/sh", "-c", "echo hello; echo oops >&2; exit 7");
        oci.start(c.id());
        Path exit = exitDir().resolve(c.id());
        await(() -> Files.exists(exit), "exit file " + exit);
        assertThat(exit).hasContent("7");
        assertThat(oci.status(c.id())).isEqualTo("stopped");
        List<String> lines = Files.readAllLines(c.bundle().resolve("ctr.log"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}[+-]\\d\\d:\\d\\d stdout F hello"));
        assertThat(lines).anySatisfy(l -> assertThat(l).endsWith(" stderr F oops"));
    }

    @Test
    void killTermStopsTheContainerAndAKillOfAStoppedOneIsARuntimeFailure() throws Exception {
        // PID 1 ignores signals it has no handler for, so the shell sets one
        Ctr c = running("/bin/sh", "-c", "trap 'exit 143' TERM; sleep 1000 & wait");
        // the trap is set once the shell has started its sleep: a TERM before that would be ignored
        await(() -> oci.processes(c.id()).size() >= 2, c.id() + " to start its sleep");
        oci.kill(c.id(), "TERM");
        await(() -> "stopped".equals(oci.status(c.id())), c.id() + " stopped");
        Path exit = exitDir().resolve(c.id());
        await(() -> Files.exists(exit), "exit file " + exit);
        assertThat(exit).hasContent("143");
        assertRuntimeFailure(() -> oci.kill(c.id(), "TERM"));
    }

    @Test
    void deleteForgetsTheContainerAndItsConmonEnds() throws Exception {
        Ctr c = running("/bin/sleep", "1000");
        oci.delete(c.id());
        assertThat(oci.status(c.id())).isEmpty();
        await(() -> !alive(c.created().conmonPid()), "conmon " + c.created().conmonPid() + " to end");
        assertThat(alive(c.created().pid())).isFalse();
        oci.delete(c.id()); // deleting what is gone is not an error
    }

    @Test
    void theStatusOfAnUnknownContainerIsEmpty() {
        assertThat(oci.status("unknown" + Long.toHexString(ThreadLocalRandom.current().nextLong()))).isEmpty();
    }

    @Test
    void aCommandThatDoesNotExistFailsTheCreateWithTheRuntimesReason() throws Exception {
        assertThatThrownBy(() -> create("/no/such/binary")).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.RUNTIME_FAILURE);
            assertThat(e.getMessage()).contains("/no/such/binary");
        });
    }

    // ---- exec --------------------------------------------------------------------------------

    @Test
    void execRunsAProcessInTheContainerAndReportsItsExitCode() throws Exception {
        Ctr c = running("/bin/sleep", "1000");
        // a file only the container's root has, so the output proves where the process ran
        String marker = "inside-" + c.id();
        Files.writeString(c.bundle().resolve("rootfs/etc/marker"), marker + "\n");
        Path session = tmp.resolve("exec").resolve("s1");
        AtomicReference<Path> socket = new AtomicReference<>();
        ExecStarted s = oci.exec(execRequest(c, session, "cat /etc/marker; exit 3"), p -> {
            assertThat(p).exists();
            socket.set(p);
        });
        assertThat(socket.get()).isNotNull();
        assertThat(s.pid()).isPositive().isNotEqualTo(c.created().pid());
        assertThat(s.conmonPid()).isPositive();
        assertThat(s.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
        Path log = session.resolve("exec_log");
        await(() -> lines(log).stream().anyMatch(l -> l.endsWith(" stdout F " + marker)), marker + " in " + log);
        assertThat(oci.status(c.id())).isEqualTo("running");
    }

    @Test
    void execOfACommandThatDoesNotExistIsARuntimeFailure() throws Exception {
        Ctr c = running("/bin/sleep", "1000");
        Path session = tmp.resolve("exec").resolve("s2");
        ExecRequest r = execRequest(c, session, List.of("/no/such/tool"));
        assertThatThrownBy(() -> oci.exec(r, p -> { })).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.RUNTIME_FAILURE);
            assertThat(e.getMessage()).contains("/no/such/tool");
        });
    }

    // ---- missing binaries --------------------------------------------------------------------

    @Test
    void aMissingRuntimeBinaryIsUnavailableWithTheFix() {
        OciRuntime without = newRuntimeWithout(Missing.RUNTIME, root(), exitDir());
        assertUnavailable(without::checkAvailable, "apt-get install " + oci.name());
        assertUnavailable(() -> without.status("any"), "apt-get install " + oci.name());
    }

    @Test
    void aMissingConmonIsUnavailableWithTheFix() throws Exception {
        OciRuntime without = newRuntimeWithout(Missing.CONMON, root(), exitDir());
        assertUnavailable(without::checkAvailable, "apt-get install conmon");
        Path bundle = bundle(tmp.resolve("never"), List.of("/bin/sleep", "1"));
        assertUnavailable(() -> without.create(new CreateRequest("never", "never", bundle, tmp.resolve("p"),
                bundle.resolve("ctr.log"), -1, false)), "apt-get install conmon");
        assertThat(bundle.resolve("conmon.pid")).doesNotExist();
    }

    @Test
    void withBothBinariesItIsAvailableAndNamed() {
        oci.checkAvailable();
        assertThat(oci.name()).isNotBlank();
    }

    // ---- helpers -----------------------------------------------------------------------------

    protected Ctr create(String... args) throws Exception {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + "c0ffee";
        Path bundle = bundle(tmp.resolve("bundles").resolve(id), List.of(args));
        made.add(id);
        Created created = oci.create(new CreateRequest(id, "ctr-" + id.substring(0, 6), bundle,
                tmp.resolve("persist").resolve(id), bundle.resolve("ctr.log"), -1, false));
        return new Ctr(id, bundle, created);
    }

    protected Ctr running(String... args) throws Exception {
        Ctr c = create(args);
        oci.start(c.id());
        assertThat(oci.status(c.id())).isEqualTo("running");
        return c;
    }

    private ExecRequest execRequest(Ctr c, Path session, String script) throws Exception {
        return execRequest(c, session, List.of("/bin/sh", "-c", script));
    }

    /** The bundle's process with other arguments, as {@code runc exec --process} reads it. */
    private ExecRequest execRequest(Ctr c, Path session, List<String> args) throws Exception {
        Files.createDirectories(session);
        ObjectNode process = (ObjectNode) JSON.readTree(c.bundle().resolve("config.json").toFile()).get("process");
        var argv = process.putArray("args");
        args.forEach(argv::add);
        Path spec = session.resolve("process.json");
        JSON.writeValue(spec.toFile(), process);
        return new ExecRequest(c.id(), "ctr-" + c.id().substring(0, 6), "exec" + session.getFileName(), session,
                spec, false, false);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    protected static boolean alive(int pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    protected static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + WAIT.toSeconds() + "s for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void assertRuntimeFailure(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EngineException.class, e ->
                assertThat(e.category()).isEqualTo(Category.RUNTIME_FAILURE));
    }

    private static void assertUnavailable(ThrowingCallable call, String fix) {
        assertThatThrownBy(call).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.UNAVAILABLE);
            assertThat(e.getMessage()).contains(fix);
        });
    }
}
