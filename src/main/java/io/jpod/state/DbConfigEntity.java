package io.jpod.state;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The single row recording the paths the database was created with. */
@Entity
@Table(name = "db_config")
class DbConfigEntity {
    @Id
    Integer id;
    int schemaVersion;
    String os;
    String staticDir;
    String tmpDir;
    String graphRoot;
    String runRoot;
    String graphDriver;
    String volumePath;

    DbConfig toRecord() {
        return new DbConfig(os, staticDir, tmpDir, graphRoot, runRoot, graphDriver, volumePath);
    }

    static DbConfigEntity of(DbConfig c) {
        DbConfigEntity e = new DbConfigEntity();
        e.id = 1;
        e.schemaVersion = 1;
        e.os = c.os();
        e.staticDir = c.staticDir();
        e.tmpDir = c.tmpDir();
        e.graphRoot = c.graphRoot();
        e.runRoot = c.runRoot();
        e.graphDriver = c.graphDriver();
        e.volumePath = c.volumePath();
        return e;
    }
}
