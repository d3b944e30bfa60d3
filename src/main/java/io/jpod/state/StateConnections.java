package io.jpod.state;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The state's SQLite connections after a fault of the database file, beyond what the pool itself does.
 * <ul>
 *   <li>After a fault of the file (read-only, I/O error, cannot open, full, damaged) every pooled
 *       connection is renewed: a failed statement may leave its connection broken, and a connection
 *       opened while the file could not be written stays read-only for good (SQLite opens the file
 *       read-only when it cannot open it for writing). A lock held by another process is no such
 *       fault: the dialect leaves that connection usable.</li>
 *   <li>A write refused as read-only while the file is writable (again) is tried once more, on a new
 *       connection: the daemon writes again by itself once the directory is writable.</li>
 *   <li>One connection, outside the pool, stays open for the daemon's life. SQLite shares one WAL
 *       index (the {@code -shm} file's mapping) among all connections of a process to a file, opened
 *       by whichever connection comes first: opened while the directory is read-only, it would stay
 *       read-only, and refuse the writes of every connection, as long as any of them is open. The held
 *       one opened it writable at start and keeps it so.</li>
 * </ul>
 */
final class StateConnections implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(StateConnections.class);

    private final Runnable renewPool;
    private final Path db;
    private final Connection held;

    StateConnections(Runnable renewPool, Path db, Connection held) {
        this.renewPool = renewPool;
        this.db = db;
        this.held = held;
    }

    /**
     * Called when the {@code attempt}-th run of a transaction failed with {@code e}: renews the pool's
     * connections if the database file is at fault, and says whether to run the transaction again.
     */
    boolean retry(RuntimeException e, boolean write, int attempt) {
        String code = StateFaults.code(e, db);
        if (code == null || code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
            return false;
        }
        renewPool.run();
        boolean again = write && attempt == 1 && code.startsWith("SQLITE_READONLY") && Files.isWritable(db);
        LOG.warn("the state database " + db + " failed a " + (write ? "write" : "read") + " (" + code
                + "): its pooled connections are renewed" + (again ? ", and the write is tried again" : ""));
        return again;
    }

    @Override
    public void close() throws SQLException {
        held.close();
    }
}
