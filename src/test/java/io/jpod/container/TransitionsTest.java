package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.InMemoryState;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransitionsTest {

    static StoredContainer in(ContainerStatus s) {
        return new StoredContainer(new ContainerConfig("c".repeat(64), "web", "", null, 0, Instant.now(), null, null,
                List.of("sh"), Map.of(), false), ContainerState.configured().withStatus(s));
    }

    @Test
    void theLifecycleMovesAreAllowed() {
        assertThat(Transitions.allowed(ContainerStatus.CONFIGURED, ContainerStatus.CREATED)).isTrue();
        assertThat(Transitions.allowed(ContainerStatus.CREATED, ContainerStatus.RUNNING)).isTrue();
        assertThat(Transitions.allowed(ContainerStatus.RUNNING, ContainerStatus.PAUSED)).isTrue();
        assertThat(Transitions.allowed(ContainerStatus.PAUSED, ContainerStatus.STOPPING)).isTrue();
        assertThat(Transitions.allowed(ContainerStatus.STOPPING, ContainerStatus.STOPPED)).isTrue();
        assertThat(Transitions.allowed(ContainerStatus.STOPPED, ContainerStatus.EXITED)).isTrue();
        assertThat(Transitions.allowed(ContainerStatus.EXITED, ContainerStatus.CREATED)).isTrue();
        assertThat(Transitions.allowed(ContainerStatus.CREATED, ContainerStatus.CONFIGURED)).isTrue();
    }

    @Test
    void impossibleMovesAreRefusedAndNotSaved() {
        assertThat(Transitions.allowed(ContainerStatus.EXITED, ContainerStatus.RUNNING)).isFalse();
        assertThat(Transitions.allowed(ContainerStatus.CONFIGURED, ContainerStatus.RUNNING)).isFalse();
        assertThat(Transitions.allowed(ContainerStatus.PAUSED, ContainerStatus.EXITED)).isFalse();
        InMemoryState state = new InMemoryState();
        StoredContainer c = in(ContainerStatus.EXITED);
        state.addContainer(c.config(), c.state());
        assertThatThrownBy(() -> Transitions.save(state, c, c.state().withStatus(ContainerStatus.RUNNING)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(EngineException.Category.INVALID_STATE))
                .hasMessageContaining("cannot go from exited to running");
        assertThat(state.container(c.id()).state().status()).isEqualTo(ContainerStatus.EXITED);
    }

    @Test
    void operationsAnswerAsPodmanDoes() {
        assertThatThrownBy(() -> Transitions.Op.START.check(in(ContainerStatus.RUNNING)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(EngineException.Category.NOT_MODIFIED));
        assertThatThrownBy(() -> Transitions.Op.STOP.check(in(ContainerStatus.EXITED)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(EngineException.Category.NOT_MODIFIED));
        assertThatThrownBy(() -> Transitions.Op.KILL.check(in(ContainerStatus.EXITED)))
                .hasMessageContaining("can only kill running containers");
        assertThatThrownBy(() -> Transitions.Op.UNPAUSE.check(in(ContainerStatus.RUNNING)))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(EngineException.Category.INVALID_STATE));
        assertThatThrownBy(() -> Transitions.Op.START.check(in(ContainerStatus.STOPPING)))
                .hasMessageContaining("is stopping");
        assertThatThrownBy(() -> Transitions.Op.REMOVE.check(in(ContainerStatus.PAUSED)))
                .hasMessageContaining("cannot be removed without force");
        assertThatCode(() -> Transitions.Op.START.check(in(ContainerStatus.EXITED))).doesNotThrowAnyException();
        assertThatCode(() -> Transitions.Op.STOP.check(in(ContainerStatus.CREATED))).doesNotThrowAnyException();
        assertThatCode(() -> Transitions.Op.EXEC.check(in(ContainerStatus.RUNNING))).doesNotThrowAnyException();
    }
}
