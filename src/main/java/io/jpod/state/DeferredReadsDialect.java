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
 * its configured mode at the transaction's commit or rollback, or here when the BEGIN fails.
 *
 * <p>Only when the session holds one connection for its whole life (the vendor adapter's default):
 * the connection changed here is then the one the transaction runs on, as Spring itself assumes when
 * it prepares a connection for a transaction. Otherwise reads stay IMMEDIATE.
 */
final class DeferredReadsDialect extends HibernateJpaDialect {

    @Override
    public Object beginTransaction(EntityManager entityManager, TransactionDefinition definition)
            throws SQLException {
        SQLiteConnection sqlite = definition.isReadOnly() ? heldConnection(entityManager) : null;
        if (sqlite == null) {
            return super.beginTransaction(entityManager, definition);
        }
        sqlite.setCurrentTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
        try {
            return super.beginTransaction(entityManager, definition);
        } catch (SQLException | RuntimeException e) {
            sqlite.setCurrentTransactionMode(sqlite.getConnectionConfig().getTransactionMode());
            throw e;
        }
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
