package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A pod's mutable state. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PodState(String cgroupPath, String infraContainerId) {
    public PodState {
        cgroupPath = cgroupPath == null ? "" : cgroupPath;
    }

    /** After a reboot the cgroup is gone and is recomputed on refresh. */
    public PodState afterReboot() {
        return new PodState("", infraContainerId);
    }
}
