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
            ContainerStatus s = c.state().status();
            String id = c.id();
            switch (this) {
                case START -> {
                    if (s == RUNNING) {
                        throw new EngineException(EngineException.Category.NOT_MODIFIED,
                                "container " + id + " is already running");
                    }
                    if (s == PAUSED) {
                        throw EngineException.invalidState("cannot start paused container " + id);
                    }
                    if (s == STOPPING) {
                        throw EngineException.invalidState("cannot start container " + id + " as it is stopping");
                    }
                    if (s == REMOVING) {
                        throw EngineException.invalidState("cannot start container " + id
                                + " as it is being removed");
                    }
                }
                case STOP -> {
                    if (!active(s)) {
                        throw new EngineException(EngineException.Category.NOT_MODIFIED,
                                "container " + id + " is not running");
                    }
                }
                case KILL -> {
                    if (s != RUNNING && s != PAUSED && s != STOPPING) {
                        throw EngineException.invalidState("can only kill running containers. " + id
                                + " is in state " + s.display() + ": container state improper");
                    }
                }
                case PAUSE -> {
                    if (s == PAUSED) {
                        throw EngineException.invalidState("container " + id + " is already paused");
                    }
                    if (s != RUNNING) {
                        throw EngineException.invalidState("container " + id + " is not running, it is "
                                + s.display());
                    }
                }
                case UNPAUSE -> {
                    if (s != PAUSED) {
                        throw EngineException.invalidState("container " + id + " is not paused");
                    }
                }
                case EXEC -> {
                    if (s != RUNNING) {
                        throw EngineException.invalidState("container " + id + " is not running: cannot exec in it");
                    }
                }
                case TOP -> {
                    if (s != RUNNING && s != PAUSED) {
                        throw EngineException.invalidState("container " + id + " is not running");
                    }
                }
                case REMOVE -> {
                    if (s == RUNNING || s == PAUSED || s == STOPPING) {
                        throw EngineException.invalidState("cannot remove container " + id + " as it is "
                                + s.display() + " - running or paused containers cannot be removed without force");
                    }
                }
                default -> throw new IllegalStateException(name());
            }
        }
    }

    /** A status in which the container's process exists or is about to (created by conmon, not yet started). */
    static boolean active(ContainerStatus s) {
        return s == RUNNING || s == PAUSED || s == STOPPING || s == CREATED;
    }
}
