package io.jpod.state;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rows ↔ records for the SQLite state: the columns that queries need (name, namespace, pod, lock,
 * status) are copied out of the record, and the whole record is kept as JSON beside them, so new
 * fields need no schema change.
 */
final class StateRecords {

    private final JsonMapper json;
    private final ConfigCache configs = new ConfigCache();

    StateRecords(JsonMapper json) {
        this.json = forStoredRecords(json);
    }

    /**
     * Records written by an older jpod lack the fields added since: they read as their defaults
     * (false, 0, null) instead of failing, so an upgrade never strands stored containers.
     */
    static JsonMapper forStoredRecords(JsonMapper json) {
        return json.rebuild().disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    // ---- containers

    ContainerEntity newContainer(ContainerConfig config, ContainerState state) {
        ContainerEntity e = new ContainerEntity();
        e.id = config.id();
        e.name = config.name();
        e.namespace = config.namespace();
        e.podId = config.podId();
        e.createdAt = config.created() == null ? 0 : config.created().toEpochMilli();
        setConfig(e, config);
        setState(e, state);
        return e;
    }

    /** Only the lock ID of a config is ever rewritten (renumber); name and pod stay. */
    void setConfig(ContainerEntity e, ContainerConfig config) {
        e.lockId = config.lockId();
        e.configJson = json.writeValueAsString(config);
    }

    void setState(ContainerEntity e, ContainerState state) {
        e.state = state.status().code();
        e.stateJson = json.writeValueAsString(state);
    }

    /** The row and its config renamed together; the name is the one field a rename changes. */
    void rename(ContainerEntity e, String newName) {
        ContainerConfig renamed = config(e).withName(newName);
        e.name = newName;
        e.configJson = json.writeValueAsString(renamed);
    }

    ContainerConfig config(ContainerEntity e) {
        return configs.get(e.id, e.configJson, text -> json.readValue(text, ContainerConfig.class));
    }

    /** The container's row is gone: its parsed config too. */
    void forget(ContainerEntity e) {
        configs.forget(e.id);
    }

    ContainerState state(ContainerEntity e) {
        return json.readValue(e.stateJson, ContainerState.class);
    }

    StoredContainer container(ContainerEntity e) {
        return new StoredContainer(config(e), state(e));
    }

    // ---- pods

    PodEntity newPod(PodConfig config, PodState state) {
        PodEntity e = new PodEntity();
        e.id = config.id();
        e.name = config.name();
        e.namespace = config.namespace();
        e.createdAt = config.created() == null ? 0 : config.created().toEpochMilli();
        setConfig(e, config);
        setState(e, state);
        return e;
    }

    void setConfig(PodEntity e, PodConfig config) {
        e.lockId = config.lockId();
        e.configJson = json.writeValueAsString(config);
    }

    void setState(PodEntity e, PodState state) {
        e.stateJson = json.writeValueAsString(state);
    }

    PodState state(PodEntity e) {
        return json.readValue(e.stateJson, PodState.class);
    }

    StoredPod pod(PodEntity e) {
        return new StoredPod(json.readValue(e.configJson, PodConfig.class), state(e));
    }

    // ---- volumes and exec sessions

    VolumeEntity newVolume(VolumeConfig config) {
        VolumeEntity e = new VolumeEntity();
        e.name = config.name();
        e.createdAt = config.created() == null ? 0 : config.created().toEpochMilli();
        e.configJson = json.writeValueAsString(config);
        return e;
    }

    VolumeConfig volume(VolumeEntity e) {
        return json.readValue(e.configJson, VolumeConfig.class);
    }

    ExecSessionEntity newExec(ExecSession session) {
        ExecSessionEntity e = new ExecSessionEntity();
        e.id = session.id();
        e.containerId = session.containerId();
        e.sessionJson = json.writeValueAsString(session);
        return e;
    }

    ExecSession exec(ExecSessionEntity e) {
        return json.readValue(e.sessionJson, ExecSession.class);
    }
}
