-- jpod state schema, version 1. Config (fixed at creation) and state (mutable) are kept as JSON
-- documents beside the columns that lookups need, as podman's SQLite state does.

CREATE TABLE db_config (
    id             INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    schema_version INTEGER NOT NULL,
    os             TEXT    NOT NULL,
    static_dir     TEXT    NOT NULL,
    tmp_dir        TEXT    NOT NULL,
    graph_root     TEXT    NOT NULL,
    run_root       TEXT    NOT NULL,
    graph_driver   TEXT    NOT NULL,
    volume_path    TEXT    NOT NULL
);

-- IDs and names are unique across containers and pods together.
CREATE TABLE object_registry (
    id        TEXT PRIMARY KEY NOT NULL,
    name      TEXT NOT NULL UNIQUE,
    kind      TEXT NOT NULL CHECK (kind IN ('container', 'pod')),
    namespace TEXT NOT NULL DEFAULT ''
);

CREATE TABLE pod (
    id          TEXT PRIMARY KEY NOT NULL REFERENCES object_registry (id),
    name        TEXT NOT NULL UNIQUE,
    namespace   TEXT NOT NULL DEFAULT '',
    lock_id     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    config_json TEXT NOT NULL,
    state_json  TEXT NOT NULL
);

CREATE TABLE container (
    id          TEXT PRIMARY KEY NOT NULL REFERENCES object_registry (id),
    name        TEXT NOT NULL UNIQUE,
    namespace   TEXT NOT NULL DEFAULT '',
    pod_id      TEXT REFERENCES pod (id),
    lock_id     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    state       INTEGER NOT NULL,
    config_json TEXT NOT NULL,
    state_json  TEXT NOT NULL
);

CREATE INDEX container_pod ON container (pod_id);
CREATE INDEX container_namespace ON container (namespace);
CREATE INDEX pod_namespace ON pod (namespace);
