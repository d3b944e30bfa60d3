-- Named volumes (jpod state schema version 2). Volume names are their own namespace, as in podman.
CREATE TABLE volume (
    name        TEXT PRIMARY KEY NOT NULL,
    created_at  INTEGER NOT NULL,
    config_json TEXT NOT NULL
);
