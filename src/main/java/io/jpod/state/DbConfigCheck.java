package io.jpod.state;

import io.jpod.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * libpod's ValidateDBConfig comparison: field by field in libpod's order; paths compared cleaned
 * and with symlinks resolved when they exist, as current podman does.
 */
final class DbConfigCheck {

    private DbConfigCheck() {}

    private record Field(String label, String db, String ours, boolean path) {}

    static void compare(DbConfig db, DbConfig ours) {
        List<Field> fields = List.of(
                new Field("os", db.os(), ours.os(), false),
                new Field("static dir", db.staticDir(), ours.staticDir(), true),
                new Field("tmp dir", db.tmpDir(), ours.tmpDir(), true),
                new Field("graph root", db.graphRoot(), ours.graphRoot(), true),
                new Field("run root", db.runRoot(), ours.runRoot(), true),
                new Field("graph driver", db.graphDriver(), ours.graphDriver(), false),
                new Field("volume path", db.volumePath(), ours.volumePath(), true));
        for (Field f : fields) {
            if (f.db().isEmpty()) {
                continue;
            }
            boolean same = f.path() ? Objects.equals(canonical(f.db()), canonical(f.ours())) : f.db().equals(f.ours());
            if (!same) {
                throw new ConfigException("database " + f.label() + " \"" + f.db() + "\" does not match our "
                        + f.label() + " \"" + f.ours() + "\": database configuration mismatch (the state database "
                        + "was created with other paths; set them back, or move the old state away)");
            }
        }
    }

    static String canonical(String p) {
        if (p.isEmpty()) {
            return p;
        }
        Path path = Path.of(p).normalize();
        try {
            return Files.exists(path) ? path.toRealPath().toString() : path.toString();
        } catch (IOException e) {
            return path.toString();
        }
    }
}
