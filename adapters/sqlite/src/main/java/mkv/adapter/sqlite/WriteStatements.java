package mkv.adapter.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import mkv.domain.Entry;

/**
 * The writes, prepared once on the write connection. Only the writer thread touches them, and
 * always inside its transaction. Each conditional write says by its update count whether the
 * row matched.
 */
final class WriteStatements implements AutoCloseable {
    private final Connection connection;
    private final PreparedStatement insertIfAbsent;
    private final PreparedStatement updateIfEquals;
    private final PreparedStatement deleteIfEquals;
    private final PreparedStatement upsert;
    private final PreparedStatement upsertMany;

    /**
     * Rows per bulk upsert statement. sqlite-jdbc's fixed cost per executed statement dominates
     * a one-row insert; 64 rows per statement measured about 3x the rows/s (704 parameters,
     * far below SQLite's limit of 32,766).
     */
    static final int UPSERT_ROWS = 64;

    WriteStatements(Connection connection) throws SQLException {
        this.connection = connection;
        insertIfAbsent = connection.prepareStatement(
                "INSERT INTO entries (" + Rows.COLUMNS + ") VALUES (" + row() + ") ON CONFLICT (key) DO NOTHING");
        updateIfEquals = connection.prepareStatement("UPDATE entries SET state = ?, replicas = ?, size = ?, md5 = ?, created = ?,"
                + " updated = ?, generation = ?, pending = ?, retired = ?, lost_from = ?, owed = ? WHERE " + Rows.EQUALS);
        deleteIfEquals = connection.prepareStatement("DELETE FROM entries WHERE " + Rows.EQUALS);
        upsert = connection.prepareStatement(upsertSql(1));
        upsertMany = connection.prepareStatement(upsertSql(UPSERT_ROWS));
    }

    /** The write connection itself, for work the statements above do not cover. */
    Connection connection() {
        return connection;
    }

    boolean insertIfAbsent(Entry next) throws SQLException {
        Rows.bind(insertIfAbsent, 1, next);
        return insertIfAbsent.executeUpdate() == 1;
    }

    /** Overwrites the row of {@code expected.key()} with {@code next} if it equals {@code expected}. */
    boolean updateIfEquals(Entry expected, Entry next) throws SQLException {
        int at = Rows.bindValues(updateIfEquals, 1, next);
        Rows.bind(updateIfEquals, at, expected);
        return updateIfEquals.executeUpdate() == 1;
    }

    boolean deleteIfEquals(Entry expected) throws SQLException {
        Rows.bind(deleteIfEquals, 1, expected);
        return deleteIfEquals.executeUpdate() == 1;
    }

    // SQLite applies an upsert row by row, so a key twice in one statement ends as its last row.
    private static String upsertSql(int rows) {
        var sql = new StringBuilder("INSERT INTO entries (" + Rows.COLUMNS + ") VALUES ");
        for (int i = 0; i < rows; i++) sql.append(i == 0 ? "" : ", ").append("(").append(row()).append(")");
        return sql.append(" ON CONFLICT (key) DO UPDATE SET state = excluded.state, replicas = excluded.replicas,")
                .append(" size = excluded.size, md5 = excluded.md5, created = excluded.created, updated = excluded.updated,")
                .append(" generation = excluded.generation, pending = excluded.pending, retired = excluded.retired,")
                .append(" lost_from = excluded.lost_from, owed = excluded.owed")
                .toString();
    }

    private static String row() {
        return String.join(", ", java.util.Collections.nCopies(Rows.PARAMETERS, "?"));
    }

    /** Inserts or overwrites every entry, in order: later entries for a key win. */
    void upsertAll(Iterable<Entry> entries) throws SQLException {
        int inStatement = 0;
        var pending = new Entry[UPSERT_ROWS];
        for (Entry e : entries) {
            pending[inStatement++] = e;
            if (inStatement == UPSERT_ROWS) {
                int at = 1;
                for (Entry p : pending) at = Rows.bind(upsertMany, at, p);
                upsertMany.executeUpdate();
                inStatement = 0;
            }
        }
        for (int i = 0; i < inStatement; i++) {
            Rows.bind(upsert, 1, pending[i]);
            upsert.executeUpdate();
        }
    }

    @Override
    public void close() throws SQLException {
        Statements.closeAll(insertIfAbsent, updateIfEquals, deleteIfEquals, upsert, upsertMany);
    }
}
