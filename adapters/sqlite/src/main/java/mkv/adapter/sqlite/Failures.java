package mkv.adapter.sqlite;

import java.sql.SQLException;
import mkv.domain.port.IndexFailure;

/** Turns an SQLite error into an {@link IndexFailure}, telling a damaged file from an unreachable one. */
final class Failures {
    private Failures() {}

    // SQLite's primary result codes (the low byte of an extended code): the database file is
    // malformed, or is not a database at all. Nothing but a rebuild makes either go away.
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;

    static boolean corrupt(SQLException e) {
        int primary = e.getErrorCode() & 0xFF;
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
    }

    static IndexFailure of(String what, SQLException e) {
        String message = what + ": " + e.getMessage();
        return corrupt(e) ? IndexFailure.corrupt(message, e) : new IndexFailure(message, e);
    }
}
