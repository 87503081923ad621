package mkv.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import mkv.adapter.sqlite.SqliteIndex;

/**
 * Times what the start-up check costs on an index file: SQLite's {@code quick_check} and
 * {@code integrity_check} on a plain connection, then {@code SqliteIndex.open} with the check
 * (what {@code mkv server} does) and without it, each three times. The first pass reads the
 * file from disk unless the OS already caches it. Usage:
 * <pre>
 * java -cp ... mkv.bench.IndexCheckCost DB
 * </pre>
 */
public final class IndexCheckCost {
    private IndexCheckCost() {}

    public static void main(String[] args) throws SQLException {
        if (args.length != 1) {
            System.err.println("usage: IndexCheckCost DB");
            System.exit(2);
        }
        Path db = Path.of(args[0]);
        for (int pass = 1; pass <= 3; pass++) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
                for (String pragma : new String[] {"quick_check", "integrity_check"}) {
                    long t = System.nanoTime();
                    String answer;
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + pragma)) {
                        answer = rs.next() ? rs.getString(1) : "?";
                    }
                    System.out.printf("pass %d: %-15s %-3s in %6.2f s%n", pass, pragma, answer, (System.nanoTime() - t) / 1e9);
                }
            }
            for (boolean check : new boolean[] {true, false}) {
                long t = System.nanoTime();
                try (var index = SqliteIndex.open(db, SqliteIndex.Options.defaults().withIntegrityCheck(check))) {
                    // opened: the check, the migration and the readers are the whole cost
                }
                System.out.printf("pass %d: open, check %-5s     in %6.2f s%n", pass, check ? "on" : "off", (System.nanoTime() - t) / 1e9);
            }
        }
    }
}
