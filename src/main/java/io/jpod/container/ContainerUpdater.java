package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.lock.Locking;
import io.jpod.oci.OciRuntime;
import io.jpod.oci.RuntimeFailureException;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.ContainerStatus;
import io.jpod.state.ResourceLimits;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code docker update} / {@code podman update}: new limits (and restart policy) for an existing
 * container, applied at once to its cgroup through {@code runc update} when the runtime has it,
 * and stored for its next starts.
 */
final class ContainerUpdater {

    /** The states in which the runtime knows the container, so its cgroup exists. */
    private static final Set<ContainerStatus> LIVE = Set.of(ContainerStatus.CREATED, ContainerStatus.RUNNING,
            ContainerStatus.PAUSED, ContainerStatus.STOPPING);

    private final State state;
    private final Locking locking;
    private final OciRuntime oci;
    private final ContainerSync sync;
    private final ResourcePlanner planner;
    private final ContainerEvents events;
    private final JsonMapper json;

    ContainerUpdater(State state, Locking locking, OciRuntime oci, ContainerSync sync, ResourcePlanner planner,
            ContainerEvents events, JsonMapper json) {
        this.state = state;
        this.locking = locking;
        this.oci = oci;
        this.sync = sync;
        this.planner = planner;
        this.events = events;
        this.json = json;
    }

    /**
     * @param changes the limits to change; null fields stay as they are
     * @param restartPolicy the new policy, null to keep it
     */
    StoredContainer update(String nameOrId, ResourceLimits changes, String restartPolicy) {
        StoredContainer c = state.lookupContainer(nameOrId);
        StoredContainer after = locking.holding(c.config().lockId(), () -> {
            StoredContainer cur = sync.sync(c.id());
            RunConfig run = cur.config().run();
            if (run == null || cur.config().infra()) {
                throw EngineException.invalidArgument("the limits of " + cur.name() + " cannot be changed: it is "
                        + "a pod's infra container");
            }
            ResourceLimits merged = planner.merge(run.resources(), changes == null ? ResourceLimits.NONE : changes);
            String policy = restartPolicy == null ? run.restartPolicy() : restartPolicy;
            RestartPolicy.parse(policy);
            if (run.autoRemove() && !policy.isEmpty() && !policy.equals("no")) {
                throw EngineException.invalidArgument("a restart policy cannot be set on a container that is removed "
                        + "when it exits (--rm)");
            }
            if (LIVE.contains(cur.state().status()) && !merged.equals(run.resources())) {
                ObjectNode resources = json.createObjectNode();
                ResourcePlanner.spec(merged).writeTo(resources);
                try {
                    oci.update(cur.id(), json.writeValueAsBytes(resources));
                } catch (RuntimeFailureException e) {
                    // what runc refuses here (a limit below current use) is the request's fault
                    throw EngineException.invalidArgument("the new limits could not be applied to " + cur.name()
                            + ": " + e.stderr().strip());
                }
            }
            state.rewriteContainerConfig(cur.config().withRun(run.withResources(merged, policy)));
            return state.container(cur.id());
        });
        events.publish("update", after);
        return after;
    }
}
