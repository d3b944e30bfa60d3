package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.host.CgroupFeatures;
import io.jpod.oci.ResourceSpec;
import io.jpod.state.ResourceLimits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcePlannerTest {

    static final CgroupFeatures V1 = new CgroupFeatures(false, true, false, true, "0-1", "0");
    final ResourcePlanner planner = new ResourcePlanner(V1, 2, Map.of("nofile", 20000L, "core", -1L), false);

    static ResourceLimits limits(Long memory, Long swap, Long nano, Long quota, String cpus, List<ResourceLimits.Ulimit> ul) {
        return new ResourceLimits(memory, swap, null, null, null, nano, null, null, quota, cpus, null, null, ul, null,
                null, null);
    }

    @Test
    void memoryGetsTwiceItsSizeAsSwapAndCpusBecomeAQuota() {
        ResourceLimits r = planner.plan(limits(32L << 20, null, 500_000_000L, null, null, null), "");
        assertThat(r.memorySwap()).isEqualTo(64L << 20);
        ResourceSpec spec = ResourcePlanner.spec(r);
        assertThat(spec.cpuQuota()).isEqualTo(50_000L);
        assertThat(spec.cpuPeriod()).isEqualTo(100_000L);
    }

    @Test
    void whatTheHostCannotEnforceIsRefused() {
        assertThatThrownBy(() -> planner.plan(limits(null, null, 3_000_000_000L, null, null, null), ""))
                .isInstanceOf(EngineException.class).hasMessageContaining("between 0.01 and 2.00");
        assertThatThrownBy(() -> planner.plan(limits(null, null, null, null, "1-3", null), ""))
                .hasMessageContaining("the CPUs [2, 3] are not available: this host offers 0-1");
        assertThatThrownBy(() -> planner.plan(limits(1L << 20, null, null, null, null, null), ""))
                .hasMessageContaining("at least 6 MiB");
        assertThatThrownBy(() -> planner.plan(limits(null, null, 1_000_000_000L, 50_000L, null, null), ""))
                .hasMessageContaining("cannot be given with a CPU quota");
        assertThatThrownBy(() -> planner.plan(new ResourceLimits(null, null, null, null, null, null, null, null, null,
                null, null, null, null, 300, null, null), "")).hasMessageContaining("offers no weight");
        assertThatThrownBy(() -> planner.plan(new ResourceLimits(null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, 1L << 20, null), "host")).hasMessageContaining("IPC namespace");
    }

    @Test
    void ulimitsAreCappedAtTheHostsHardLimit() {
        var ok = List.of(new ResourceLimits.Ulimit("nofile", 256, 256), new ResourceLimits.Ulimit("core", -1, -1));
        assertThat(planner.plan(limits(null, null, null, null, null, ok), "").ulimits()).hasSize(2);
        assertThatThrownBy(() -> planner.plan(limits(null, null, null, null, null,
                List.of(new ResourceLimits.Ulimit("nofile", 100, 20001))), ""))
                .hasMessageContaining("ulimit nofile=20001 is above this host's hard limit of 20000");
        assertThatThrownBy(() -> planner.plan(limits(null, null, null, null, null,
                List.of(new ResourceLimits.Ulimit("nofiles", 1, 1))), "")).hasMessageContaining("unknown ulimit");
        assertThatThrownBy(() -> planner.plan(limits(null, null, null, null, null,
                List.of(new ResourceLimits.Ulimit("nofile", 20, 10))), "")).hasMessageContaining("above the hard");
    }

    @Test
    void rootlessOnCgroupsV1HasNoCgroupLimits() {
        ResourcePlanner rootless = new ResourcePlanner(V1, 2, Map.of(), true);
        assertThatThrownBy(() -> rootless.plan(limits(32L << 20, null, null, null, null, null), ""))
                .hasMessageContaining("rootless containers on cgroups v1");
        assertThat(rootless.plan(limits(null, null, null, null, null,
                List.of(new ResourceLimits.Ulimit("nofile", 10, 10))), "").ulimits()).hasSize(1);
    }

    @Test
    void anUpdateMergesAndKeepsTheRest() {
        ResourceLimits current = planner.plan(limits(32L << 20, null, 500_000_000L, null, null, null), "");
        ResourceLimits merged = planner.merge(current, limits(64L << 20, null, null, null, null, null));
        assertThat(merged.memory()).isEqualTo(64L << 20);
        assertThat(merged.memorySwap()).isEqualTo(64L << 20);
        assertThat(merged.nanoCpus()).isEqualTo(500_000_000L);
        assertThatThrownBy(() -> planner.merge(current, limits(128L << 20, null, null, null, null, null)))
                .hasMessageContaining("update the memory-swap limit at the same time");
        assertThatThrownBy(() -> planner.merge(current, limits(null, null, null, null, null,
                List.of(new ResourceLimits.Ulimit("nofile", 1, 1))))).hasMessageContaining("cannot be changed");
        // a quota replaces --cpus
        ResourceLimits quota = planner.merge(current, limits(null, null, null, 20_000L, null, null));
        assertThat(quota.nanoCpus()).isNull();
        assertThat(quota.cpuQuota()).isEqualTo(20_000L);
    }
}
