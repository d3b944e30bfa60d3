package io.jpod.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.ConfigException;
import io.jpod.error.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.CannotAcquireLockException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** SQLite's faults as a client reads them, and the roots lock within one process. */
class StateFaultsTest {

    static final Path DB = Path.of("/var/lib/jpod/storage/libpod/jpod.db");

    @TempDir
    Path dir;

    @Test
    void busyDeepInsideSpringsWrappingIsUnavailableAndNamesTheFile() {
        RuntimeException wrapped = new CannotAcquireLockException("could not execute statement",
                new SQLiteException("[SQLITE_BUSY] The database file is locked", SQLiteErrorCode.SQLITE_BUSY));
        RuntimeException e = StateFaults.translate(wrapped, DB);
        assertThat(e).isInstanceOfSatisfying(EngineException.class,
                x -> assertThat(x.category()).isEqualTo(EngineException.Category.UNAVAILABLE));
        assertThat(e.getMessage()).contains("locked by another process").contains(DB.toString());
    }

    @Test
    void readOnlyFromAPlainSqlExceptionMessageToo() {
        RuntimeException wrapped = new RuntimeException(new java.sql.SQLException(
                "[SQLITE_READONLY] Attempt to write a readonly database (attempt to write a readonly database)"));
        assertThat(StateFaults.translate(wrapped, DB).getMessage()).startsWith("the state is read-only: " + DB);
    }

    @Test
    void aFaultWhoseRollbackFailedTooIsFoundBesideTheRollbacksError() {
        var rollback = new org.springframework.transaction.TransactionSystemException("Could not roll back",
                new java.sql.SQLException("cannot rollback - no transaction is active"));
        rollback.initApplicationException(new RuntimeException(new SQLiteException(
                "[SQLITE_IOERR_SHORT_READ] I/O error", SQLiteErrorCode.SQLITE_IOERR_SHORT_READ)));
        assertThat(StateFaults.code(rollback, DB)).isEqualTo("SQLITE_IOERR_SHORT_READ");
        assertThat(StateFaults.translate(rollback, DB).getMessage()).contains(DB.toString())
                .contains("SQLITE_IOERR_SHORT_READ");
        // a constraint is the caller's rule, not the file's fault
        assertThat(StateFaults.code(new RuntimeException(new SQLiteException("[SQLITE_CONSTRAINT] FOREIGN KEY",
                SQLiteErrorCode.SQLITE_CONSTRAINT)), DB)).isNull();
    }

    @Test
    void otherErrorsPassUnchanged() {
        RuntimeException plain = new IllegalStateException("something else");
        assertThat(StateFaults.translate(plain, DB)).isSameAs(plain);
        EngineException engine = EngineException.notFound("no such container");
        assertThat(StateFaults.translate(engine, DB)).isSameAs(engine);
    }

    @Test
    void aSecondLockOnTheSameRootsInThisProcessIsRefusedUntilTheFirstIsReleased() throws Exception {
        Path state = dir.resolve("state");
        Path graph = dir.resolve("graph");
        RootsLock first = RootsLock.acquire(List.of(state, graph));
        assertThat(Files.readString(graph.resolve(RootsLock.FILE)).strip())
                .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThatThrownBy(() -> RootsLock.acquire(List.of(dir.resolve("other"), graph)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("another jpod daemon (pid " + ProcessHandle.current().pid())
                .hasMessageContaining(graph.resolve(RootsLock.FILE).toString());
        // the refused attempt took nothing: its first directory is free again
        RootsLock.acquire(List.of(dir.resolve("other"))).close();
        first.close();
        RootsLock.acquire(List.of(state, graph)).close();
    }
}
