package io.jpod.bench;

import io.jpod.api.docker.DockerWireFixtures;
import io.jpod.lock.ShmLockManager;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import io.jpod.testing.TestDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.util.FileSystemUtils;

/**
 * Container lookups in the daemon's real SQLite state with 1,000 containers (each with a full run config,
 * as the API's creates store them): by full ID, by a 12-character ID prefix, by name, and the full list the
 * list endpoint reads. A real daemon of its own (private roots and lock segment) provides the state bean.
 * Run with {@code src/test/bench/jmh-bench.sh StateBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StateBenchmark {

    static final int CONTAINERS = 1000;

    Path root;
    String segment;
    TestDaemon daemon;
    io.jpod.state.State state;
    String[] ids = new String[CONTAINERS];
    String[] names = new String[CONTAINERS];
    int next;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        root = Files.createTempDirectory("jpod-state-bench");
        segment = "/jpod_state_bench_" + ProcessHandle.current().pid();
        Map<String, Object> props = TestDaemon.isolated(root);
        props.put("libpod.shm-lock-path", segment);
        daemon = TestDaemon.start(props);
        state = daemon.bean(io.jpod.state.State.class);
        String ns = daemon.runtime().config().namespace();
        StoredContainer model = DockerWireFixtures.container(ContainerStatus.EXITED);
        Random random = new Random(17);
        byte[] b = new byte[32];
        for (int i = 0; i < CONTAINERS; i++) {
            random.nextBytes(b);
            ids[i] = HexFormat.of().formatHex(b);
            names[i] = "bench-" + i;
            state.addContainer(new ContainerConfig(ids[i], names[i], ns, null, i, Instant.now(),
                    model.config().rootfsImageId(), model.config().rootfsImageName(), model.config().command(),
                    model.config().labels(), false, model.config().run()),
                    ContainerState.configured().withStatus(ContainerStatus.EXITED));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        daemon.close();
        ShmLockManager.unlink(segment);
        FileSystemUtils.deleteRecursively(root.toFile());
    }

    private int pick() {
        next = (next + 389) % CONTAINERS; // strides over the whole table
        return next;
    }

    @Benchmark
    public StoredContainer byFullId() {
        return state.container(ids[pick()]);
    }

    @Benchmark
    public StoredContainer lookupByFullId() {
        return state.lookupContainer(ids[pick()]);
    }

    @Benchmark
    public StoredContainer lookupByPrefix() {
        return state.lookupContainer(ids[pick()].substring(0, 12));
    }

    @Benchmark
    public StoredContainer lookupByName() {
        return state.lookupContainer(names[pick()]);
    }

    @Benchmark
    public int listAll() {
        return state.allContainers().size();
    }
}
