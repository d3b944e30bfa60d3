package io.jpod.state;

import io.jpod.error.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.transaction.TransactionSystemException;
import org.sqlite.SQLiteException;

/**
 * What the database file's own faults mean to a client: SQLite's result codes, found anywhere in an
 * exception's causes (Spring and Hibernate wrap them several times), become one clear message naming
 * the file. They are the server's trouble, not the client's: 503 where waiting may help (locked by
 * another process, read-only, full), 500 for a damaged file.
 */
final class StateFaults {

    private static final java.util.regex.Pattern CODE = java.util.regex.Pattern.compile("\\[(SQLITE_[A-Z_]+)\\]");

    private StateFaults() {}

    /** The engine error {@code e} stands for, or {@code e} itself when no SQLite fault is behind it. */
    static RuntimeException translate(RuntimeException e, Path db) {
        if (e instanceof EngineException) {
            return e;
        }
        String code = code(e, db);
        EngineException mapped = code == null ? null : of(code, db, e);
        return mapped == null ? e : mapped;
    }

    /**
     * The SQLite result code behind {@code e} ({@code SQLITE_BUSY}, {@code SQLITE_READONLY_DBMOVED}...),
     * the first one among its causes that names a fault of the file, or null. When a rollback failed
     * too, Spring throws the rollback's error and keeps the first one aside: that one is looked at too.
     */
    static String code(Throwable e, Path db) {
        String code = codeIn(e, 0);
        if (code != null) {
            return code;
        }
        // the driver's own code can be lost (a failed BEGIN then reads "cannot commit - no transaction is
        // active"): the file itself says whether it can still be written
        return !(e instanceof EngineException) && Files.exists(db) && !Files.isWritable(db) ? "SQLITE_READONLY" : null;
    }

    private static String codeIn(Throwable e, int depth) {
        for (Throwable t = e; t != null && depth < 4; t = t.getCause() == t ? null : t.getCause()) {
            String code = null;
            if (t instanceof SQLiteException s) {
                code = s.getResultCode().name();
            } else if (t instanceof java.sql.SQLException && t.getMessage() != null) {
                // some driver paths throw a plain SQLException whose message starts "[SQLITE_BUSY] ..."
                java.util.regex.Matcher m = CODE.matcher(t.getMessage());
                code = m.find() ? m.group(1) : null;
            } else if (t instanceof TransactionSystemException x && x.getApplicationException() != null) {
                code = codeIn(x.getApplicationException(), depth + 1);
            }
            if (code != null && known(code)) {
                return code;
            }
        }
        return null;
    }

    /** Whether {@code name} is a fault of the database file that {@link #of} turns into a message. */
    private static boolean known(String name) {
        return name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED") || name.startsWith("SQLITE_READONLY")
                || name.equals("SQLITE_FULL") || name.startsWith("SQLITE_CANTOPEN") || name.startsWith("SQLITE_IOERR")
                || name.equals("SQLITE_CORRUPT") || name.equals("SQLITE_NOTADB");
    }

    private static EngineException of(String name, Path db, Throwable cause) {
        if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
            return new EngineException(EngineException.Category.UNAVAILABLE, "the state database " + db
                    + " is locked by another process and stayed locked past the busy timeout: nothing was changed; "
                    + "try again once it is released", cause);
        }
        if (name.startsWith("SQLITE_READONLY")) {
            return new EngineException(EngineException.Category.UNAVAILABLE, "the state is read-only: " + db
                    + " cannot be written (is its directory or file system read-only?); nothing was changed", cause);
        }
        if (name.equals("SQLITE_FULL")) {
            return new EngineException(EngineException.Category.UNAVAILABLE, "no space left on device for the "
                    + "state database " + db + ": nothing was changed; free some space", cause);
        }
        if (name.startsWith("SQLITE_CANTOPEN") || name.startsWith("SQLITE_IOERR")) {
            return new EngineException(EngineException.Category.UNAVAILABLE, "the state database " + db
                    + " cannot be read or written (" + name + "): check its file system", cause);
        }
        if (name.equals("SQLITE_CORRUPT") || name.equals("SQLITE_NOTADB")) {
            return EngineException.internal("the state database " + db + " is damaged (" + name + ")", cause);
        }
        return null;
    }
}
