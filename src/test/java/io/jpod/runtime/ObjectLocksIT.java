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
            int free = rt.locks().available().getAsInt();
            StoredContainer c = rt.createContainer(ctr("web"));
            assertThat(rt.locks().isAllocated(c.config().lockId())).isTrue();
            var pod = rt.createPod(new PodConfig(RuntimeBootIT.newId(), "", "", -1, null, Map.of(), "", false,
                    List.of(), false));
            assertThat(pod.name()).matches("[a-z]+_[a-z]+");
            assertThat(pod.config().lockId()).isNotEqualTo(c.config().lockId());
            assertThat(rt.locks().available()).hasValue(free - 2);
            rt.removeContainer("web");
            rt.removePod(pod.id());
            assertThat(rt.locks().isAllocated(c.config().lockId())).isFalse();
            assertThat(rt.locks().available()).hasValue(free);
        }
    }

    @Test
    void exhaustionIsAClearErrorAndLeavesNothingHalfCreated() throws Exception {
        var props = TestDaemon.isolated(root);
        props.put("libpod.num-locks", "32");
        try (TestDaemon d = TestDaemon.start(props)) {
            LibpodRuntime rt = d.runtime();
            for (int i = 0; i < 32; i++) {
                rt.createContainer(ctr("c" + i));
            }
            assertThatThrownBy(() -> rt.createContainer(ctr("one-too-many")))
                    .isInstanceOfSatisfying(EngineException.class, e -> {
                        assertThat(e.category()).isEqualTo(Category.RESOURCE_EXHAUSTED);
                        assertThat(e.getMessage()).contains("num_locks (32)").contains("libpod.num-locks");
                    });
            assertThat(rt.state().allContainers()).hasSize(32);
            assertThat(rt.state().nameInUse("one-too-many")).isFalse();
            rt.removeContainer("c7");
            assertThat(rt.createContainer(ctr("one-too-many")).config().lockId()).isEqualTo(7);
        }
    }

    @Test
    void aNameClashIsAConflictAndGivesTheLockBack() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            rt.createContainer(ctr("taken"));
            int free = rt.locks().available().getAsInt();
            assertThatThrownBy(() -> rt.createContainer(ctr("taken"))).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS));
            assertThatThrownBy(() -> rt.createPod(new PodConfig(RuntimeBootIT.newId(), "taken", "", -1, null,
                    Map.of(), "", false, List.of(), false))).isInstanceOf(EngineException.class);
            assertThatThrownBy(() -> rt.createContainer(ctr("bad name!"))).isInstanceOfSatisfying(
                    EngineException.class, e -> assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT));
            // an ID clash fails inside the state, after the lock was taken: it must be given back
            String id = rt.lookupContainer("taken").id();
            assertThatThrownBy(() -> rt.createContainer(new ContainerConfig(id, "other", "", null, -1, null, null,
                    null, List.of(), Map.of(), false))).isInstanceOf(EngineException.class);
            assertThat(rt.locks().available()).hasValue(free);
        }
    }
}
