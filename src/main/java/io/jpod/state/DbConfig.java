package io.jpod.state;

/**
 * The paths a state database was created with (libpod's DBConfig). A later start with other paths
 * would lose track of containers, so the runtime checks them against the database on every start.
 */
public record DbConfig(String os, String staticDir, String tmpDir, String graphRoot, String runRoot,
        String graphDriver, String volumePath) {

    public static DbConfig empty() {
        return new DbConfig("", "", "", "", "", "", "");
    }

    public boolean isEmpty() {
        return os.isEmpty() && staticDir.isEmpty();
    }
}
