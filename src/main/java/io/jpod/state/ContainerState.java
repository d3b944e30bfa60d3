package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a container is doing now (libpod's ContainerState); every save replaces it whole.
 *
 * @param health its health checks' outcome in this run, null before the first check (cleared by each init)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerState(
        ContainerStatus status,
        int pid,
        int conmonPid,
        int exitCode,
        boolean exited,
        Instant startedAt,
        Instant finishedAt,
        boolean mounted,
        String mountPoint,
        String netNs,
        Map<String, String> networkStatus,
        Map<String, String> bindMounts,
        List<String> execSessions,
        boolean stoppedByUser,
        boolean restartPolicyMatch,
        int restartCount,
        boolean oomKilled,
        String error,
        String runDir,
        ContainerHealth health) {

    public ContainerState {
        status = status == null ? ContainerStatus.UNKNOWN : status;
        mountPoint = mountPoint == null ? "" : mountPoint;
        netNs = netNs == null ? "" : netNs;
        networkStatus = networkStatus == null ? Map.of() : Map.copyOf(networkStatus);
        bindMounts = bindMounts == null ? Map.of() : Map.copyOf(bindMounts);
        execSessions = execSessions == null ? List.of() : List.copyOf(execSessions);
        error = error == null ? "" : error;
        runDir = runDir == null ? "" : runDir;
    }

    /** The state of a container that was just created. */
    public static ContainerState configured() {
        return new ContainerState(ContainerStatus.CONFIGURED, 0, 0, 0, false, null, null, false, "", "", Map.of(),
                Map.of(), List.of(), false, false, 0, false, "", "", null);
    }

    public ContainerState withStatus(ContainerStatus s) {
        return new ContainerState(s, pid, conmonPid, exitCode, exited, startedAt, finishedAt, mounted, mountPoint,
                netNs, networkStatus, bindMounts, execSessions, stoppedByUser, restartPolicyMatch, restartCount,
                oomKilled, error, runDir, health);
    }

    /** The network namespace and each network's CNI result (JSON), or empty ones once torn down. */
    public ContainerState withNetwork(String newNetNs, Map<String, String> newNetworkStatus) {
        return new ContainerState(status, pid, conmonPid, exitCode, exited, startedAt, finishedAt, mounted, mountPoint,
                newNetNs, newNetworkStatus, bindMounts, execSessions, stoppedByUser, restartPolicyMatch, restartCount,
                oomKilled, error, runDir, health);
    }

    public ContainerState withProcess(int newPid, int newConmonPid, Instant started) {
        return new ContainerState(status, newPid, newConmonPid, exitCode, exited, started, finishedAt, mounted,
                mountPoint, netNs, networkStatus, bindMounts, execSessions, stoppedByUser, restartPolicyMatch,
                restartCount, oomKilled, error, runDir, health);
    }

    /** Created in the OCI runtime through conmon (libpod's init): the previous run's outcome is cleared. */
    public ContainerState initialized(int newPid, int newConmonPid, String newMountPoint, String newRunDir) {
        return new ContainerState(ContainerStatus.CREATED, newPid, newConmonPid, 0, false, null, null, true,
                newMountPoint, netNs, networkStatus, bindMounts, execSessions, false, false, restartCount, false, "",
                newRunDir, null);
    }

    /** With the outcome of its health checks so far. */
    public ContainerState withHealth(ContainerHealth newHealth) {
        return new ContainerState(status, pid, conmonPid, exitCode, exited, startedAt, finishedAt, mounted,
                mountPoint, netNs, networkStatus, bindMounts, execSessions, stoppedByUser, restartPolicyMatch,
                restartCount, oomKilled, error, runDir, newHealth);
    }

    /** Marked as stopped by its user: a restart policy leaves it alone. */
    public ContainerState stoppingByUser() {
        return new ContainerState(ContainerStatus.STOPPING, pid, conmonPid, exitCode, exited, startedAt, finishedAt,
                mounted, mountPoint, netNs, networkStatus, bindMounts, execSessions, true, false, restartCount,
                oomKilled, error, runDir, health);
    }

    /** The process has ended: Stopped, with its exit code and time. */
    public ContainerState stopped(int code, Instant finished, boolean oom, String why) {
        return new ContainerState(ContainerStatus.STOPPED, 0, 0, code, true, startedAt, finished, mounted, mountPoint,
                netNs, networkStatus, bindMounts, execSessions, stoppedByUser, restartPolicyMatch, restartCount, oom,
                why, runDir, health);
    }

    /** Stopped by the user (forced shutdown), without an exit code from conmon. */
    public ContainerState stoppedByUser(Instant finished) {
        return new ContainerState(ContainerStatus.STOPPED, 0, 0, exitCode, true, startedAt, finished, mounted,
                mountPoint, netNs, networkStatus, bindMounts, execSessions, true, false, restartCount, oomKilled,
                error, runDir, health);
    }

    /** Deleted from the OCI runtime and unmounted: {@code next} is Exited or Configured. */
    public ContainerState cleanedUp(ContainerStatus next) {
        return new ContainerState(next, 0, 0, exitCode, exited, startedAt, finishedAt, false, "", netNs,
                networkStatus, bindMounts, execSessions, stoppedByUser, restartPolicyMatch, restartCount, oomKilled,
                error, runDir, health);
    }

    /** About to be started again by its restart policy. */
    public ContainerState restarting() {
        return new ContainerState(status, pid, conmonPid, exitCode, exited, startedAt, finishedAt, mounted,
                mountPoint, netNs, networkStatus, bindMounts, execSessions, false, true, restartCount + 1, oomKilled,
                error, runDir, health);
    }

    /**
     * The state after a reboot (current libpod's reset): anything that was alive becomes Exited,
     * anything never started goes back to Configured, Removing is kept; per-boot facts (PIDs,
     * mounts, network, exec sessions, restart bookkeeping) are cleared.
     */
    public ContainerState afterReboot() {
        ContainerStatus s = switch (status) {
            case RUNNING, PAUSED, STOPPED, STOPPING, EXITED -> ContainerStatus.EXITED;
            case REMOVING -> ContainerStatus.REMOVING;
            default -> ContainerStatus.CONFIGURED;
        };
        return new ContainerState(s, 0, 0, exitCode, exited, startedAt, finishedAt, false, "", "", Map.of(),
                Map.of(), List.of(), stoppedByUser, false, 0, oomKilled, error, "", health);
    }
}
