package io.jpod.container;

import static io.jpod.state.ContainerStatus.CONFIGURED;
import static io.jpod.state.ContainerStatus.CREATED;
import static io.jpod.state.ContainerStatus.EXITED;
import static io.jpod.state.ContainerStatus.PAUSED;
import static io.jpod.state.ContainerStatus.REMOVING;
import static io.jpod.state.ContainerStatus.RUNNING;
import static io.jpod.state.ContainerStatus.STOPPED;
import static io.jpod.state.ContainerStatus.STOPPING;
import static io.jpod.state.ContainerStatus.UNKNOWN;

import io.jpod.error.EngineException;
import io.jpod.state.ContainerState;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The container state machine in one place. Every status change goes through {@link #save}, which
 * refuses a move the table does not allow; every operation first asks {@link Op#check}, which
 * answers as podman does (409 for a state that forbids it, 304 where there is nothing to do).
 * Callers hold the container's lock and pass the state they have just read under it, so two
 * racing operations see each other's result instead of overwriting it.
 */
final class Transitions {

    private static final Map<ContainerStatus, Set<ContainerStatus>> ALLOWED = new EnumMap<>(ContainerStatus.class);

    static {
        // configured: stored only; created: conmon and the runtime hold it, its process not started yet
        ALLOWED.put(CONFIGURED, EnumSet.of(CREATED, REMOVING));
        ALLOWED.put(CREATED, EnumSet.of(RUNNING, STOPPING, STOPPED, CONFIGURED, REMOVING));
        ALLOWED.put(RUNNING, EnumSet.of(PAUSED, STOPPING, STOPPED));
        ALLOWED.put(PAUSED, EnumSet.of(RUNNING, STOPPING, STOPPED));
        ALLOWED.put(STOPPING, EnumSet.of(STOPPED, EXITED));
        // stopped: the process has ended; exited: and the runtime, mounts and network are cleaned up
        ALLOWED.put(STOPPED, EnumSet.of(EXITED));
        ALLOWED.put(EXITED, EnumSet.of(CREATED, REMOVING));
        ALLOWED.put(REMOVING, EnumSet.noneOf(ContainerStatus.class));
        ALLOWED.put(UNKNOWN, EnumSet.allOf(ContainerStatus.class));
    }

    private Transitions() {}

    static boolean allowed(ContainerStatus from, ContainerStatus to) {
        return from == to || ALLOWED.get(from).contains(to);
    }

    /**
     * Saves {@code next} as the state of {@code current}'s container after checking the move;
     * returns the container as saved.
     */
    static StoredContainer save(State state, StoredContainer current, ContainerState next) {
        ContainerStatus from = current.state().status();
        if (!allowed(from, next.status())) {
            throw EngineException.invalidState("container " + current.id() + " cannot go from "
                    + from.display() + " to " + next.status().display());
        }
        state.saveContainerState(current.id(), next);
        return new StoredContainer(current.config(), next);
    }

    /** What an operation needs of the container's status, with podman's answers when it is not met. */
    enum Op {
        START, STOP, KILL, PAUSE, UNPAUSE, EXEC, TOP, REMOVE;

        /** Throws the conflict (or not-modified) this operation meets in {@code c}'s current status. */
        void check(StoredContainer c) {
            String refusal = refusal(c.state().status(), c.id());
            if (refusal == null) {
                return;
            }
            boolean nothingToDo = (this == START && c.state().status() == RUNNING) || this == STOP;
            throw nothingToDo ? new EngineException(EngineException.Category.NOT_MODIFIED, refusal)
                    : EngineException.invalidState(refusal);
        }

        /** Why this operation cannot run in status {@code s}, or null when it can. */
        private String refusal(ContainerStatus s, String id) {
            return switch (this) {
                case START -> s == RUNNING ? "container " + id + " is already running"
                        : s == PAUSED ? "cannot start paused container " + id
                        : s == STOPPING ? "cannot start container " + id + " as it is stopping"
                        : s == REMOVING ? "cannot start container " + id + " as it is being removed" : null;
                case STOP -> active(s) ? null : "container " + id + " is not running";
                case KILL -> s == RUNNING || s == PAUSED || s == STOPPING ? null
                        : "can only kill running containers. " + id + " is in state " + s.display()
                                + ": container state improper";
                case PAUSE -> s == PAUSED ? "container " + id + " is already paused"
                        : s != RUNNING ? "container " + id + " is not running, it is " + s.display() : null;
                case UNPAUSE -> s == PAUSED ? null : "container " + id + " is not paused";
                case EXEC -> s == RUNNING ? null : "container " + id + " is not running: cannot exec in it";
                case TOP -> s == RUNNING || s == PAUSED ? null : "container " + id + " is not running";
                case REMOVE -> s == RUNNING || s == PAUSED || s == STOPPING ? "cannot remove container " + id
                        + " as it is " + s.display() + " - running or paused containers cannot be removed without force"
                        : null;
            };
        }
    }

    /** A status in which the container's process exists or is about to (created by conmon, not yet started). */
    static boolean active(ContainerStatus s) {
        return s == RUNNING || s == PAUSED || s == STOPPING || s == CREATED;
    }
}
