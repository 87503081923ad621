package mkv.adapter.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import mkv.domain.port.IndexFailure;

/**
 * The check an index passes before anything uses it: SQLite's {@code integrity_check}, which
 * reads every page. {@code quick_check} costs the same here (see docs/OPERATIONS.md) but does
 * not check the key order of a WITHOUT ROWID table, and keys out of order are exactly what
 * makes a range scan end early and a listing look complete when it is not.
 */
final class IntegrityCheck {
    private IntegrityCheck() {}

    /** Problems reported at most: the first few name the damage; the rest add nothing to do. */
    private static final int MAX_PROBLEMS = 5;

    /** Throws a {@link IndexFailure.Kind#CORRUPT} failure naming the file and the rebuild when SQLite finds damage. */
    static void run(Connection c, Path file) {
        var problems = new ArrayList<String>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check(" + MAX_PROBLEMS + ")")) {
            while (rs.next()) problems.add(rs.getString(1));
        } catch (SQLException e) {
            if (Failures.corrupt(e)) throw damaged(file, e.getMessage(), e);
            throw new IndexFailure("cannot check the index " + file + ": " + e.getMessage(), e);
        }
        if (problems.size() != 1 || !"ok".equals(problems.get(0))) throw damaged(file, String.join("; ", problems), null);
    }

    /** The one message for a damaged index, at start-up and in every admin tool: what, and how to repair it. */
    static IndexFailure damaged(Path file, String detail, Throwable cause) {
        return IndexFailure.corrupt("the index " + file + " is damaged (SQLite: " + detail + "). mkv will not use a damaged index:"
                + " move it aside with its -wal and -shm files, then restore it from the volumes with"
                + " 'mkv rebuild --volumes HOST:PORT,... --db " + file + "'", cause);
    }
}
