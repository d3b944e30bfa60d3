package io.jpod.state;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A volume row. */
@Entity
@Table(name = "volume")
class VolumeEntity {
    @Id
    String name;

    @Column(name = "created_at")
    long createdAt;

    @Column(name = "config_json")
    String configJson;
}
