package io.jpod.state;

/** A pod as the state holds it. */
public record StoredPod(PodConfig config, PodState state) {
    public String id() {
        return config.id();
    }

    public String name() {
        return config.name();
    }
}
