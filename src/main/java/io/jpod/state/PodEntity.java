package io.jpod.state;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A pod row. */
@Entity
@Table(name = "pod")
class PodEntity {
    @Id
    String id;
    String name;
    String namespace;
    int lockId;
    long createdAt;

    @Column(name = "config_json")
    String configJson;

    @Column(name = "state_json")
    String stateJson;
}
