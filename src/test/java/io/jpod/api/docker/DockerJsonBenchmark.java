package io.jpod.api.docker;

import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Docker API's container JSON as the controller makes it from stored containers: one inspect, and a
 * list of 500 summaries (records built, then encoded to bytes). Here, not in io.jpod.bench, because the
 * wire records are package-private. Run with {@code src/test/bench/jmh-bench.sh DockerJsonBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DockerJsonBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    StoredContainer one;
    List<StoredContainer> five100 = new ArrayList<>();

    @Setup(Level.Trial)
    public void containers() {
        one = DockerWireFixtures.container(ContainerStatus.RUNNING);
        for (int i = 0; i < 500; i++) {
            ContainerConfig c = one.config();
            String id = String.format("%064x", i + 1);
            five100.add(new StoredContainer(new ContainerConfig(id, "web-" + i, c.namespace(), null, i, c.created(),
                    c.rootfsImageId(), c.rootfsImageName(), c.command(), c.labels(), false, c.run()), one.state()));
        }
    }

    @Benchmark
    public byte[] inspect() {
        return JSON.writeValueAsBytes(ContainerInspectResponse.of(one, "/logs/ctr.log", m -> "/host" + m.destination(),
                JSON));
    }

    @Benchmark
    public byte[] list500() {
        List<ContainerSummary> out = new ArrayList<>(five100.size());
        for (StoredContainer c : five100) {
            out.add(ContainerSummary.of(c, JSON));
        }
        return JSON.writeValueAsBytes(out);
    }
}
