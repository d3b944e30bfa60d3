package io.jpod.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import io.jpod.lock.Lock;
import io.jpod.lock.LockManager;
import io.jpod.lock.ShmLockManager;
import io.jpod.state.ContainerStatus;
import io.jpod.state.PodConfig;
import io.jpod.state.PodState;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The daemon's SHM lock segment: persistence across restarts, reboot re-population, renumbering, reporting. */
class LocksRuntimeIT {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path root;

    static String addPod(TestDaemon d, String name) {
        String id = RuntimeBootIT.newId();
        d.state().addPod(new PodConfig(id, name, "", d.locks().allocate().id(), Instant.now(), Map.of(), "", false,
                List.of(), false), new PodState("", null));
        return id;
    }

    @Test
    void theDaemonUsesTheShmSegmentAndItsAllocationsSurviveARestart() throws Exception {
        String a;
        String b;
        try (TestDaemon d = TestDaemon.start(root)) {
            assertThat(d.locks()).isInstanceOf(ShmLockManager.class);
            assertThat(((ShmLockManager) d.locks()).name()).isEqualTo(TestDaemon.shmPath(root));
            a = RuntimeBootIT.addContainer(d, "a", ContainerStatus.CONFIGURED);
            b = RuntimeBootIT.addContainer(d, "b", ContainerStatus.CONFIGURED);
        }
        try (TestDaemon d = TestDaemon.start(root)) {
            LockManager locks = d.locks();
            assertThat(locks.available()).hasValue(locks.total() - 2);
            assertThat(locks.isAllocated(d.state().container(a).config().lockId())).isTrue();
            assertThat(locks.isAllocated(d.state().container(b).config().lockId())).isTrue();
            // a new object gets a fresh lock, not one in use
            assertThat(locks.allocate().id()).isEqualTo(2);
        }
    }

    @Test
    void afterARebootTheLostSegmentIsRepopulatedFromTheState() throws Exception {
        int lockA;
        int lockPod;
        try (TestDaemon d = TestDaemon.start(root)) {
            d.locks().allocate(); // leaked by a crash: nobody in the state uses lock 0
            String a = RuntimeBootIT.addContainer(d, "a", ContainerStatus.RUNNING);
            lockA = d.state().container(a).config().lockId();
            lockPod = d.state().pod(addPod(d, "p")).config().lockId();
        }
        // a reboot empties /dev/shm and the tmpfs tmp dir
        ShmLockManager.unlink(TestDaemon.shmPath(root));
        FileSystemUtils.deleteRecursively(root.resolve("run"));
        try (TestDaemon d = TestDaemon.start(root)) {
            LockManager locks = d.locks();
            assertThat(d.runtime().refreshedOnStart()).isTrue();
            assertThat(locks.available()).hasValue(locks.total() - 2);
            assertThat(locks.isAllocated(lockA)).isTrue();
            assertThat(locks.isAllocated(lockPod)).isTrue();
            assertThat(locks.isAllocated(0)).isFalse();
        }
    }

    @Test
    void changingNumLocksNeedsARenumberWhichHandsOutFreshNumbers() throws Exception {
        Map<String, Object> small = TestDaemon.isolated(root);
        small.put("libpod.num-locks", "64");
        try (TestDaemon d = TestDaemon.start(small)) {
            for (int i = 0; i < 5; i++) {
                d.locks().allocate(); // spread the numbers out
            }
            RuntimeBootIT.addContainer(d, "c1", ContainerStatus.CONFIGURED);
            addPod(d, "p1");
            RuntimeBootIT.addContainer(d, "c2", ContainerStatus.CONFIGURED);
        }
        Map<String, Object> bigger = TestDaemon.isolated(root);
        bigger.put("libpod.num-locks", "128");
        assertThatThrownBy(() -> TestDaemon.start(bigger)).hasRootCauseInstanceOf(ConfigException.class)
                .rootCause().hasMessageContaining("failed to open 128 locks").hasMessageContaining("renumber");
        bigger.put("libpod.renumber", "true");
        try (TestDaemon d = TestDaemon.start(bigger)) {
            LibpodRuntime rt = d.runtime();
            assertThat(d.locks().total()).isEqualTo(128);
            assertThat(d.state().allContainers()).extracting(c -> c.config().lockId())
                    .containsExactlyInAnyOrder(0, 1);
            assertThat(d.state().allPods()).extracting(p -> p.config().lockId()).containsExactly(2);
            assertThat(d.locks().available()).hasValue(125);
        }
    }

    @Test
    void renumberOverHttpAndLockUsageInHealthAndMetrics() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            LibpodRuntime rt = d.runtime();
            d.locks().allocateAndRetrieve(100);
            RuntimeBootIT.addContainer(d, "x", ContainerStatus.CONFIGURED);
            d.locks().allocateAndRetrieve(200);
            addPod(d, "y");
            HttpResponse<String> r = d.send(HttpRequest.newBuilder(d.uri("/jpod/v1/system/renumber"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode report = JSON.readTree(r.body());
            assertThat(report.get("containers").asInt()).isEqualTo(1);
            assertThat(report.get("pods").asInt()).isEqualTo(1);
            assertThat(d.state().lookupContainer("x").config().lockId()).isZero();
            assertThat(d.state().lookupPod("y").config().lockId()).isEqualTo(1);
            assertThat(d.locks().available()).hasValue(d.locks().total() - 2);

            JsonNode locks = JSON.readTree(d.get("/actuator/health").body()).get("components").get("locks");
            assertThat(locks.get("status").asString()).isEqualTo("UP");
            assertThat(locks.get("details").get("total").asInt()).isEqualTo(2048);
            assertThat(locks.get("details").get("used").asInt()).isEqualTo(2);
            assertThat(locks.get("details").get("free").asInt()).isEqualTo(2046);
            assertThat(locks.get("details").get("type").asString()).contains(TestDaemon.shmPath(root));

            JsonNode used = JSON.readTree(d.get("/actuator/metrics/jpod.locks.used").body());
            assertThat(used.get("measurements").get(0).get("value").asDouble()).isEqualTo(2.0);
        }
    }

    @Test
    void shutdownUnmapsTheSegment() throws Exception {
        try (TestDaemon d = TestDaemon.start(root)) {
            Lock lock = d.locks().allocate();
            d.runtime().shutdown(false);
            assertThatThrownBy(lock::lock).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.category()).isEqualTo(EngineException.Category.UNAVAILABLE));
        }
    }
}
