package io.jpod.state;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One row per container or pod: IDs and names share one space across both kinds, enforced by the
 * table's primary key and unique name (libpod's IDNamespace plus its name registry).
 */
@Entity
@Table(name = "object_registry")
class RegistryEntity {
    @Id
    String id;
    String name;
    String kind;
    String namespace;

    static RegistryEntity of(String id, String name, String kind, String namespace) {
        RegistryEntity e = new RegistryEntity();
        e.id = id;
        e.name = name;
        e.kind = kind;
        e.namespace = namespace;
        return e;
    }
}
