package io.jpod.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.error.EngineException.Category;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link State} implementation keeps. Tests use fresh random IDs and a namespace
 * of their own, so one database can serve the whole suite.
 */
abstract class StateContract {

    protected State state;
    protected String ns;

    /** A state to test; may be shared between tests. */
    protected abstract State state();

    @BeforeEach
    void setUpState() {
        state = state();
        ns = "ns" + ThreadLocalRandom.current().nextInt(1_000_000_000);
        state.setNamespace(ns);
    }

    static String newId() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    ContainerConfig ctr(String id, String name) {
        return new ContainerConfig(id, name, ns, null, 3, Instant.ofEpochMilli(1000), null, null, List.of("sh"),
                Map.of("a", "b"), false);
    }

    PodConfig pod(String id, String name) {
        return new PodConfig(id, name, ns, 4, Instant.ofEpochMilli(1000), Map.of(), "/libpod_parent", true,
                List.of("ipc", "net", "uts"), true);
    }

    String name(String base) {
        return base + "-" + ns;
    }

    @Test
    void addedContainerRoundTrips() {
        String id = newId();
        state.addContainer(ctr(id, name("web")), ContainerState.configured());
        StoredContainer c = state.container(id);
        assertThat(c.config()).isEqualTo(ctr(id, name("web")));
        assertThat(c.state().status()).isEqualTo(ContainerStatus.CONFIGURED);
        assertThat(state.allContainers()).extracting(StoredContainer::id).containsExactly(id);
    }

    @Test
    void lookupByNameFullIdAndUniquePrefix() {
        String id = "abc" + newId().substring(3);
        state.addContainer(ctr(id, name("web")), ContainerState.configured());
        assertThat(state.lookupContainer(name("web")).id()).isEqualTo(id);
        assertThat(state.lookupContainer(id).id()).isEqualTo(id);
        assertThat(state.lookupContainer(id.substring(0, 12)).id()).isEqualTo(id);
    }

    @Test
    void ambiguousPrefixIsAClearError() {
        String a = "fee" + newId().substring(3);
        String b = "fee" + newId().substring(3);
        state.addContainer(ctr(a, name("a")), ContainerState.configured());
        state.addContainer(ctr(b, name("b")), ContainerState.configured());
        assertThatThrownBy(() -> state.lookupContainer("fee")).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("more than one result for container \"fee\"");
        });
    }

    @Test
    void exactNameWinsOverAPrefixOfAnotherId() {
        String a = "cafe" + newId().substring(4);
        String b = newId();
        String nameLikePrefix = "cafe" + ns;
        state.addContainer(ctr(a, name("x")), ContainerState.configured());
        state.addContainer(ctr(b, nameLikePrefix), ContainerState.configured());
        assertThat(state.lookupContainer(nameLikePrefix).id()).isEqualTo(b);
    }

    @Test
    void unknownAndEmptyLookups() {
        assertThatThrownBy(() -> state.lookupContainer("zz-no-such")).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        assertThatThrownBy(() -> state.container(newId())).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        assertThatThrownBy(() -> state.lookupContainer("")).hasMessageContaining("name or ID cannot be empty");
    }

    @Test
    void namesAreUniqueAcrossContainersAndPods() {
        state.addPod(pod(newId(), name("shared")), new PodState("", null));
        assertThat(state.nameInUse(name("shared"))).isTrue();
        assertThatThrownBy(() -> state.addContainer(ctr(newId(), name("shared")), ContainerState.configured()))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS));
    }

    @Test
    void idsAreUniqueAcrossContainersAndPods() {
        String id = newId();
        state.addPod(pod(id, name("p")), new PodState("", null));
        assertThatThrownBy(() -> state.addContainer(ctr(id, name("c")), ContainerState.configured()))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS));
        assertThat(state.allContainers()).isEmpty();
    }

    @Test
    void failedAddLeavesNothingBehind() {
        String id = newId();
        // the pod does not exist: nothing of the container may be stored
        ContainerConfig inMissingPod = new ContainerConfig(id, name("orphan"), ns, newId(), 1, Instant.now(), null,
                null, List.of(), Map.of(), false);
        assertThatThrownBy(() -> state.addContainer(inMissingPod, ContainerState.configured()))
                .isInstanceOf(EngineException.class);
        assertThat(state.nameInUse(name("orphan"))).isFalse();
        state.addContainer(ctr(id, name("orphan")), ContainerState.configured());
        assertThat(state.container(id).name()).isEqualTo(name("orphan"));
    }

    @Test
    void stateSaveReplacesStateOnly() {
        String id = newId();
        state.addContainer(ctr(id, name("s")), ContainerState.configured());
        ContainerState running = ContainerState.configured().withStatus(ContainerStatus.RUNNING)
                .withProcess(42, 41, Instant.ofEpochMilli(5000));
        state.saveContainerState(id, running);
        StoredContainer c = state.container(id);
        assertThat(c.state()).isEqualTo(running);
        assertThat(c.config()).isEqualTo(ctr(id, name("s")));
    }

    @Test
    void rewriteConfigChangesTheLockOnly() {
        String id = newId();
        state.addContainer(ctr(id, name("r")), ContainerState.configured());
        state.rewriteContainerConfig(ctr(id, name("r")).withLockId(99));
        assertThat(state.container(id).config().lockId()).isEqualTo(99);
        assertThatThrownBy(() -> state.rewriteContainerConfig(ctr(id, name("other"))))
                .isInstanceOf(EngineException.class);
    }

    @Test
    void renameMovesTheNameAndKeepsItUnique() {
        String id = newId();
        state.addContainer(ctr(id, name("old")), ContainerState.configured());
        state.addPod(pod(newId(), name("podname")), new PodState("", null));
        state.renameContainer(id, name("new"));
        assertThat(state.lookupContainer(name("new")).id()).isEqualTo(id);
        assertThat(state.container(id).config().name()).isEqualTo(name("new"));
        assertThat(state.nameInUse(name("old"))).isFalse();
        assertThatThrownBy(() -> state.renameContainer(id, name("podname"))).isInstanceOfSatisfying(
                EngineException.class, e -> assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS));
    }

    @Test
    void removedContainerIsGoneAndItsNameFree() {
        String id = newId();
        state.addContainer(ctr(id, name("gone")), ContainerState.configured());
        state.removeContainer(id);
        assertThatThrownBy(() -> state.container(id)).isInstanceOf(EngineException.class);
        assertThat(state.nameInUse(name("gone"))).isFalse();
        assertThatThrownBy(() -> state.removeContainer(id)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
    }

    @Test
    void namespacesHideOtherNamespacesAndEmptySeesAll() {
        String mine = newId();
        state.addContainer(ctr(mine, name("mine")), ContainerState.configured());
        state.setNamespace(ns + "-other");
        assertThat(state.allContainers()).extracting(StoredContainer::id).doesNotContain(mine);
        assertThatThrownBy(() -> state.lookupContainer(name("mine"))).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> state.container(mine)).hasMessageContaining("target is in a different namespace");
        assertThatThrownBy(() -> state.addContainer(ctr(newId(), name("wrongns")), ContainerState.configured()))
                .isInstanceOf(EngineException.class);
        state.setNamespace("");
        assertThat(state.allContainers()).extracting(StoredContainer::id).contains(mine);
        assertThat(state.lookupContainer(name("mine")).id()).isEqualTo(mine);
    }

    @Test
    void podsRoundTripAndRemoveWithTheirInfraOnly() {
        String podId = newId();
        state.addPod(pod(podId, name("pod")), new PodState("/cg", null));
        String infra = newId();
        String member = newId();
        state.addContainer(new ContainerConfig(infra, name("infra"), ns, podId, 5, Instant.now(), null, null,
                List.of(), Map.of(), true), ContainerState.configured());
        state.addContainer(new ContainerConfig(member, name("member"), ns, podId, 6, Instant.now(), null, null,
                List.of(), Map.of(), false), ContainerState.configured());
        assertThat(state.lookupPod(name("pod")).state().cgroupPath()).isEqualTo("/cg");
        assertThatThrownBy(() -> state.removePod(podId)).hasMessageContaining("is not empty");
        state.removeContainer(member);
        state.removePod(podId);
        assertThat(state.allPods()).isEmpty();
        assertThatThrownBy(() -> state.container(infra)).isInstanceOf(EngineException.class);
    }

    @Test
    void refreshResetsEveryContainerAndPod() {
        String running = newId();
        String created = newId();
        String podId = newId();
        state.addContainer(ctr(running, name("run")), ContainerState.configured());
        state.saveContainerState(running, ContainerState.configured().withStatus(ContainerStatus.RUNNING)
                .withProcess(10, 9, Instant.now()));
        state.addContainer(ctr(created, name("cre")), ContainerState.configured());
        state.saveContainerState(created, ContainerState.configured().withStatus(ContainerStatus.CREATED));
        state.addPod(pod(podId, name("p")), new PodState("/cg/p", null));
        state.refresh(ContainerState::afterReboot, PodState::afterReboot);
        assertThat(state.container(running).state().status()).isEqualTo(ContainerStatus.EXITED);
        assertThat(state.container(running).state().pid()).isZero();
        assertThat(state.container(created).state().status()).isEqualTo(ContainerStatus.CONFIGURED);
        assertThat(state.pod(podId).state().cgroupPath()).isEmpty();
    }

    @Test
    void volumesAreAddedFoundListedAndRemovedByExactName() {
        String name = name("vol");
        VolumeConfig v = new VolumeConfig(name, "local", "/v/" + name + "/_data", Map.of("k", "v"), Map.of("o", "x"),
                Instant.ofEpochMilli(5000), false, 1000, 1000);
        state.addVolume(v);
        assertThat(state.volume(name)).isEqualTo(v);
        assertThat(state.allVolumes()).contains(v);
        assertThatThrownBy(() -> state.addVolume(v)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS));
        assertThatThrownBy(() -> state.volume(name.substring(0, name.length() - 1)))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        state.removeVolume(name);
        assertThat(state.allVolumes()).doesNotContain(v);
        assertThatThrownBy(() -> state.removeVolume(name)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
    }

    @Test
    void aVolumeAndTheContainersMountingItComeAndGoInTurn() {
        String name = name("used");
        ContainerConfig.RunConfig run = new ContainerConfig.RunConfig(List.of("sh"), null, null, null, false, 15, 10,
                "h", null, false, false, List.of(new ContainerConfig.Mount("volume", name, "/data", List.of())),
                "none", null, null, null, null, null, null, null);
        String id = newId();
        ContainerConfig user = ctr(id, name("user")).withRun(run);
        // a container cannot be recorded with a volume that is gone (removed while it was being created)
        assertThatThrownBy(() -> state.addContainer(user, ContainerState.configured()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(Category.NOT_FOUND));
        state.addVolume(new VolumeConfig(name, "local", "/v/" + name + "/_data", Map.of(), Map.of(),
                Instant.ofEpochMilli(5000), false, -1, -1));
        state.addContainer(user, ContainerState.configured());
        // nor can a volume go while a container mounts it (created after the caller's check of users)
        assertThatThrownBy(() -> state.removeVolume(name)).isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.ALREADY_EXISTS);
            assertThat(e.getMessage()).contains(id);
        });
        state.removeContainer(id);
        state.removeVolume(name);
        assertThat(state.allVolumes()).extracting(VolumeConfig::name).doesNotContain(name);
    }

    @Test
    void execSessionsLiveWithTheirContainerAndDieWithARefresh() {
        String id = newId();
        state.addContainer(ctr(id, name("exec")), ContainerState.configured());
        ExecSession s = new ExecSession(newId(), id, List.of("ls"), List.of(), "", "", false, false, Instant.now(),
                "created", 0, 0);
        state.saveExecSession(s);
        state.saveExecSession(s.running(42));
        assertThat(state.execSession(s.id()).pid()).isEqualTo(42);
        assertThat(state.execSessions(id)).extracting(ExecSession::id).containsExactly(s.id());
        assertThatThrownBy(() -> state.saveExecSession(new ExecSession(newId(), newId(), List.of(), List.of(), "", "",
                false, false, Instant.now(), "created", 0, 0))).isInstanceOf(EngineException.class);
        String other = newId();
        state.addContainer(ctr(other, name("exec2")), ContainerState.configured());
        ExecSession kept = new ExecSession(newId(), other, List.of("true"), List.of(), "", "", false, false,
                Instant.now(), "created", 0, 0);
        state.saveExecSession(kept);
        state.removeContainer(id);
        assertThatThrownBy(() -> state.execSession(s.id())).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
        state.refresh(c -> c, p -> p);
        assertThat(state.execSessions(other)).isEmpty();
    }
}
