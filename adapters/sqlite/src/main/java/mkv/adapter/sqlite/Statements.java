package mkv.adapter.sqlite;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Closes a set of prepared statements: every one is tried, the first failure thrown with the rest suppressed. */
final class Statements {
    private Statements() {}

    /** Nulls are skipped: a set prepared only in part (a prepare failed) still closes what it has. */
    static void closeAll(PreparedStatement... statements) throws SQLException {
        SQLException first = null;
        for (PreparedStatement ps : statements) {
            if (ps == null) continue;
            try {
                ps.close();
            } catch (SQLException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
