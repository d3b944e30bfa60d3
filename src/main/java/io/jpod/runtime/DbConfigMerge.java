package io.jpod.runtime;

import io.jpod.config.RuntimeConfig;
import io.jpod.config.RuntimeConfig.Explicit;
import io.jpod.state.DbConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The configuration against the state database's record of it (libpod's DB config check): paths
 * the admin did not set are taken from the database, so a daemon started with other defaults still
 * finds its containers; what the database records is the effective configuration's paths.
 */
final class DbConfigMerge {

    private static final Log LOG = LogFactory.getLog(DbConfigMerge.class);

    private DbConfigMerge() {}

    /** libpod's reset-if-not-explicit: a setting the admin did not set takes the database's value. */
    static RuntimeConfig merge(RuntimeConfig c, DbConfig db) {
        Map<String, String> origins = new LinkedHashMap<>(c.origins());
        String staticDir = pick(c, Explicit.STATIC_DIR, c.staticDir(), db.staticDir(), "static_dir", origins);
        String tmpDir = pick(c, Explicit.TMP_DIR, c.tmpDir(), db.tmpDir(), "tmp_dir", origins);
        String volumePath = pick(c, Explicit.VOLUME_PATH, c.volumePath(), db.volumePath(), "volume_path", origins);
        String graphRoot = pick(c, Explicit.GRAPH_ROOT, c.storage().graphRoot(), db.graphRoot(), "storage.graphroot",
                origins);
        String runRoot = pick(c, Explicit.RUN_ROOT, c.storage().runRoot(), db.runRoot(), "storage.runroot", origins);
        String driver = c.storage().driver();
        if (!c.isExplicit(Explicit.GRAPH_DRIVER) && !db.graphDriver().isEmpty()) {
            if (!driver.isEmpty() && !driver.equals(db.graphDriver())) {
                LOG.error("User-selected graph driver " + driver + " overwritten by graph driver " + db.graphDriver()
                        + " from database - delete libpod local files to resolve");
            }
            if (!driver.equals(db.graphDriver())) {
                origins.put("storage.driver", "database");
            }
            driver = db.graphDriver();
        }
        return c.withPaths(staticDir, tmpDir, volumePath,
                new RuntimeConfig.Storage(driver, graphRoot, runRoot, c.storage().configFile()), origins);
    }

    private static String pick(RuntimeConfig c, Explicit e, String ours, String db, String key,
            Map<String, String> origins) {
        if (c.isExplicit(e) || db.isEmpty()) {
            return ours;
        }
        if (!db.equals(ours)) {
            LOG.debug("Overriding " + key + " \"" + ours + "\" with \"" + db + "\" from database");
            origins.put(key, "database");
        }
        return db;
    }

    static DbConfig dbConfigOf(RuntimeConfig c) {
        return new DbConfig("linux", c.staticDir(), c.tmpDir(), c.storage().graphRoot(), c.storage().runRoot(),
                c.storage().driver(), c.volumePath());
    }
}
