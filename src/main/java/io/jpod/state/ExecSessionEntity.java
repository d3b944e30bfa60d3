package io.jpod.state;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An exec session row. */
@Entity
@Table(name = "exec_session")
class ExecSessionEntity {
    @Id
    String id;

    @Column(name = "container_id")
    String containerId;

    @Column(name = "session_json")
    String sessionJson;
}
