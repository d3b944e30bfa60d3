package io.jpod.state;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A container row: indexed columns for lookups, the full config and state as JSON. */
@Entity
@Table(name = "container")
class ContainerEntity {
    @Id
    String id;
    String name;
    String namespace;
    String podId;
    int lockId;
    long createdAt;
    int state;

    @Column(name = "config_json")
    String configJson;

    @Column(name = "state_json")
    String stateJson;
}
