package io.jpod.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jpod.lock.LockOrder.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lock-order check (on in the test suites: {@code -Djpod.lock-order.check=true}): locks taken
 * in the order pass, an inversion throws before the lock is taken and is recorded, and the real
 * {@link Locking} helper reports it with the kinds involved.
 */
class LockOrderTest {

    final Locking locking = new Locking(new InMemoryLockManager(64));

    @BeforeEach
    void checkIsOn() {
        assumeTrue(LockOrder.enabled(), "run with -Djpod.lock-order.check=true (the pom sets it)");
        LockOrder.reset();
    }

    @Test
    void podThenContainerThenMonitorsThenStateIsTheOrder() {
        LockOrder.OrderedLock volumes = LockOrder.ordered(Level.VOLUMES);
        String done = locking.holding(Level.POD, 1, () -> locking.holding(2, () -> {
            try (LockOrder.Held v = volumes.hold(); LockOrder.Held again = volumes.hold()) { // re-entrant monitor
                LockOrder.acquiring(Level.STATE);
                LockOrder.released(Level.STATE);
                return "done";
            }
        }));
        assertThat(done).isEqualTo("done");
        assertThat(LockOrder.violations()).isEmpty();
    }

    @Test
    void aPodLockTakenUnderAContainerLockIsAnInversion() {
        assertThatThrownBy(() -> locking.holding(2, () -> locking.holding(Level.POD, 1, () -> "never")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("taking a POD lock while holding [CONTAINER]");
        assertThat(LockOrder.violations()).hasSize(1);
        // nothing stays held after the refusal: the right order works again on this thread
        assertThat(locking.holding(Level.POD, 1, () -> locking.holding(2, () -> "fine"))).isEqualTo("fine");
    }

    @Test
    void twoContainerLocksAtOnceAreRefusedRatherThanRiskingADeadlock() {
        assertThatThrownBy(() -> locking.holding(2, () -> locking.holding(3, () -> "never")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("taking a CONTAINER lock while holding [CONTAINER]");
        assertThat(LockOrder.violations()).hasSize(1);
    }

    @Test
    void anObjectLockTakenInsideAMonitorOrATransactionIsAnInversion() {
        LockOrder.OrderedLock images = LockOrder.ordered(Level.IMAGES);
        try (LockOrder.Held held = images.hold()) {
            assertThatThrownBy(() -> locking.run(2, () -> { })).hasMessageContaining("while holding [IMAGES]");
        }
        LockOrder.acquiring(Level.STATE);
        try {
            assertThatThrownBy(() -> LockOrder.acquiring(Level.NETWORKS)).hasMessageContaining("while holding [STATE]");
        } finally {
            LockOrder.released(Level.STATE);
        }
        assertThat(LockOrder.violations()).hasSize(2);
    }

    @Test
    void renumberingWhileHoldingALockWouldWaitForItself() {
        assertThatThrownBy(() -> locking.holding(2, () -> locking.exclusive(() -> "never")))
                .hasMessageContaining("exclusively while holding [CONTAINER]");
        assertThat(locking.exclusive(() -> "alone")).isEqualTo("alone");
    }
}
