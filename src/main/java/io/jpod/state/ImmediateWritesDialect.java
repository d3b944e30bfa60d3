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
import org.sqlite.SQLiteConnectionConfig;

/**
 * Write transactions begin IMMEDIATE; everything else begins as the connection does, DEFERRED.
 *
 * <p>sqlite-jdbc runs BEGIN in the mode of the connection's config, and not only when a transaction
 * starts: {@code commit()} and {@code rollback()} begin the next one at once. With the connection
 * IMMEDIATE, a read took the write lock (waiting out the busy timeout while another process held it,
 * failing on a read-only file), and a write's commit took the lock again right after committing, so
 * a lock taken by another process in between failed a commit that had in fact happened. So the
 * connection stays DEFERRED (no lock until a statement needs one) and only a write's own BEGIN runs
 * IMMEDIATE: the config is switched for that one call.
 *
 * <p>A BEGIN that fails (busy past the timeout, a read-only file) leaves the driver believing it is in
 * a transaction: it clears its auto-commit flag before it runs BEGIN. Back in the pool, such a
 * connection would fail the next transaction ("cannot commit - no transaction is active"), so it is
 * put back as it was.
 *
 * <p>This needs the session to hold one connection for its whole life (the vendor adapter's default),
 * so that the connection switched here is the one the transaction runs on, as Spring itself assumes
 * when it prepares a connection for a transaction; without it writes would run DEFERRED, which is refused.
 */
final class ImmediateWritesDialect extends HibernateJpaDialect {

    @Override
    public Object beginTransaction(EntityManager entityManager, TransactionDefinition definition)
            throws SQLException {
        SQLiteConnection sqlite = heldConnection(entityManager);
        SQLiteConnectionConfig config = sqlite.getConnectionConfig();
        SQLiteConfig.TransactionMode own = config.getTransactionMode();
        if (!definition.isReadOnly()) {
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        try {
            return super.beginTransaction(entityManager, definition);
        } catch (SQLException | RuntimeException e) {
            config.setAutoCommit(true);
            throw e;
        } finally {
            config.setTransactionMode(own);
        }
    }

    private static SQLiteConnection heldConnection(EntityManager entityManager) throws SQLException {
        SessionImplementor session = entityManager.unwrap(SessionImplementor.class);
        var logical = session.getJdbcCoordinator().getLogicalConnection();
        PhysicalConnectionHandlingMode mode = logical.getConnectionHandlingMode();
        if (mode.getReleaseMode() != org.hibernate.ConnectionReleaseMode.ON_CLOSE) {
            throw new IllegalStateException("the state's sessions must hold their connection until they close "
                    + "(connection handling " + mode + "): its write transactions could not begin IMMEDIATE");
        }
        Connection con = logical.getPhysicalConnection();
        return con.unwrap(SQLiteConnection.class);
    }
}
