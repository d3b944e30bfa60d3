package io.jpod.state;

/** A container as the state holds it: its fixed config and its current state. */
public record StoredContainer(ContainerConfig config, ContainerState state) {
    public String id() {
        return config.id();
    }

    public String name() {
        return config.name();
    }
}
