-- Exec sessions (jpod state schema version 3): kept until their container goes, dropped on refresh.
CREATE TABLE exec_session (
    id           TEXT PRIMARY KEY NOT NULL,
    container_id TEXT NOT NULL REFERENCES container (id) ON DELETE CASCADE,
    session_json TEXT NOT NULL
);

CREATE INDEX exec_session_container ON exec_session (container_id);
