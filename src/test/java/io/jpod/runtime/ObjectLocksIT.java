package io.jpod.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import io.jpod.state.ContainerConfig;
import io.jpod.state.PodConfig;
import io.jpod.state.StoredContainer;
import io.jpod.testing.TestDaemon;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Containers and pods get a lock at creation and give it back at removal; nothing is half-created. */
class ObjectLocksIT {

    @TempDir
    Path root;

    static ContainerConfig ctr(String name) {
        return new ContainerConfig(RuntimeBootIT.newId(), name, "", null, -1, null, null, null, List.of("sh"),
                Map.of(), false);
    }

    @Test
    void creationAllocatesAndRemovalFreesTheLock() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            int free = d.locks().available().getAsInt();
            StoredContainer c = d.registry().addContainer(ctr("web"));
            assertThat(d.locks().isAllocated(c.config().lockId())).isTrue();
            var pod = d.registry().addPod(new PodConfig(RuntimeBootIT.newId(), "", "", -1, null, Map.of(), "", false,
                    List.of(), false));
            assertThat(pod.name()).matches("[a-z]+_[a-z]+");
            assertThat(pod.config().lockId()).isNotEqualTo(c.config().lockId());
            assertThat(d.locks().available()).hasValue(free - 2);
            d.registry().removeContainer("web");
            d.registry().removePod(pod.id());
            assertThat(d.locks().isAllocated(c.config().lockId())).isFalse();
            assertThat(d.locks().available()).hasValue(free);
        }
    }

    @Test
    void exhaustionIsAClearErrorAndLeavesNothingHalfCreated() throws Exception {
        var props = TestDaemon.isolated(root);
        props.put("libpod.num-locks", "32");
        try (TestDaemon d = TestDaemon.start(props)) {
            LibpodRuntime rt = d.runtime();
            for (int i = 0; i < 32; i++) {
                d.registry().addContainer(ctr("c" + i));
            }
            assertThatThrownBy(() -> d.registry().addContainer(ctr("one-too-many")))
                    .isInstanceOfSatisfying(EngineException.class, e -> {
                        assertThat(e.category()).isEqualTo(Category.RESOURCE_EXHAUSTED);
                        assertThat(e.getMessage()).contains("num_locks (32)").contains("libpod.num-locks");
                    });
            assertThat(d.state().allContainers()).hasSize(32);
            assertThat(d.state().nameInUse("one-too-many")).isFalse();
            d.registry().removeContainer("c7");
            assertThat(d.registry().addContainer(ctr("one-too-many")).config().lockId()).isEqualTo(7);
        }
    }

    @Test
    void aNameClashIsAConflictAndGivesTheLockBack() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            d.registry().addContainer(ctr("taken"));
            int free = d.locks().available().getAsInt();
            assertThatThrownBy(() -> d.registry().addContainer(ctr("taken"))).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS));
            assertThatThrownBy(() -> d.registry().addPod(new PodConfig(RuntimeBootIT.newId(), "taken", "", -1, null,
                    Map.of(), "", false, List.of(), false))).isInstanceOf(EngineException.class);
            assertThatThrownBy(() -> d.registry().addContainer(ctr("bad name!"))).isInstanceOfSatisfying(
                    EngineException.class, e -> assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT));
            // an ID clash fails inside the state, after the lock was taken: it must be given back
            String id = d.state().lookupContainer("taken").id();
            assertThatThrownBy(() -> d.registry().addContainer(new ContainerConfig(id, "other", "", null, -1, null, null,
                    null, List.of(), Map.of(), false))).isInstanceOf(EngineException.class);
            assertThat(d.locks().available()).hasValue(free);
        }
    }
}
