package io.jpod.state;

import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.SQLException;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.resource.jdbc.spi.PhysicalConnectionHandlingMode;
import org.springframework.orm.jpa.vendor.HibernateJpaDialect;
import org.springframework.transaction.TransactionDefinition;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;

/**
 * Read-only transactions begin DEFERRED instead of the connection's IMMEDIATE: a read then takes no
 * write lock, so lists and inspects go on while another process holds the database locked, or its
 * file system is read-only (where BEGIN IMMEDIATE fails). The driver puts the connection back to
 * its configured mode at the transaction's commit or rollback, or here when the BEGIN fails. Every
 * transaction of the state goes through this dialect, so that a failed BEGIN leaves a usable connection.
 *
 * <p>Only when the session holds one connection for its whole life (the vendor adapter's default):
 * the connection changed here is then the one the transaction runs on, as Spring itself assumes when
 * it prepares a connection for a transaction. Otherwise reads stay IMMEDIATE.
 *
 * <p>Known limit: sqlite-jdbc 3.54 builds its BEGIN from the connection config's mode, not from
 * {@code setCurrentTransactionMode}, so reads in fact still begin IMMEDIATE (and wait out the busy
 * timeout while another process holds the write lock). Switching the config's mode instead makes a
 * read whose statement fails after BEGIN (SQLite then rolls back by itself) leave its pooled
 * connection believing it is in a transaction, which fails every later transaction on it: that
 * repair has to come first. The failed-BEGIN repair below is what keeps the pool healthy today.
 */
final class DeferredReadsDialect extends HibernateJpaDialect {

    @Override
    public Object beginTransaction(EntityManager entityManager, TransactionDefinition definition)
            throws SQLException {
        SQLiteConnection sqlite = heldConnection(entityManager);
        if (sqlite != null && definition.isReadOnly()) {
            sqlite.setCurrentTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        }
        try {
            return super.beginTransaction(entityManager, definition);
        } catch (SQLException | RuntimeException e) {
            if (sqlite != null) {
                repair(sqlite);
            }
            throw e;
        }
    }

    /**
     * A BEGIN that failed (busy past the timeout, a read-only file) leaves the driver believing it is
     * in a transaction: it clears its auto-commit flag before it runs BEGIN. Back in the pool, such a
     * connection would run the next transaction's statements in auto-commit and fail its commit
     * ("cannot commit - no transaction is active"). Put it back as it was.
     */
    private static void repair(SQLiteConnection sqlite) {
        sqlite.getConnectionConfig().setAutoCommit(true);
        sqlite.setCurrentTransactionMode(sqlite.getConnectionConfig().getTransactionMode());
    }

    private static SQLiteConnection heldConnection(EntityManager entityManager) throws SQLException {
        SessionImplementor session = entityManager.unwrap(SessionImplementor.class);
        var logical = session.getJdbcCoordinator().getLogicalConnection();
        PhysicalConnectionHandlingMode mode = logical.getConnectionHandlingMode();
        if (mode.getReleaseMode() != org.hibernate.ConnectionReleaseMode.ON_CLOSE) {
            return null;
        }
        Connection con = logical.getPhysicalConnection();
        return con.isWrapperFor(SQLiteConnection.class) ? con.unwrap(SQLiteConnection.class) : null;
    }
}
