package mkv.adapter.sqlite;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;

/**
 * One read-only connection and its prepared queries. Used by one caller at a time (the pool
 * sees to that); every result set is closed before the reader goes back, so no read
 * transaction outlives its call and holds back the WAL checkpoint.
 */
final class Reader implements AutoCloseable {
    private final Connection connection;
    private final PreparedStatement get;
    private final PreparedStatement[] listByState; // by state code: a literal state lets SQLite use the partial indexes
    private final PreparedStatement scanFirst;
    private final PreparedStatement scanAfter;
    private final PreparedStatement writingSince;
    private final PreparedStatement count;
    private final PreparedStatement meta;
    private final PreparedStatement holding;

    Reader(Connection connection) throws SQLException {
        this.connection = connection;
        get = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries WHERE key = ?");
        listByState = new PreparedStatement[EntryState.values().length];
        for (EntryState s : EntryState.values()) {
            // key < prefix || 0xFF is exact: valid UTF-8 never contains the byte 0xFF, so every
            // key that starts with the prefix sorts below it and every other key above the prefix
            // differs from it at a byte where it is greater, hence also above prefix || 0xFF.
            listByState[Rows.code(s)] = connection.prepareStatement("SELECT key FROM entries WHERE key >= ? AND key < ? AND state = "
                    + Rows.code(s) + " ORDER BY key LIMIT ?");
        }
        scanFirst = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries ORDER BY key LIMIT ?");
        scanAfter = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries WHERE key > ? ORDER BY key LIMIT ?");
        writingSince = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries WHERE state = "
                + Rows.code(EntryState.WRITING) + " AND updated < ? ORDER BY updated, key LIMIT ?");
        count = connection.prepareStatement("SELECT count(*) FROM entries");
        meta = connection.prepareStatement("SELECT value FROM meta WHERE name = ?");
        holding = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries"
                + " WHERE (pending IS NOT NULL OR retired IS NOT NULL) AND key > ? ORDER BY key LIMIT ?");
    }

    /** Entries after {@code after} that hold a pending write or retired generations, by key. */
    Seq<Entry> holding(Option<Key> after, int limit) throws SQLException {
        holding.setBytes(1, after.map(Key::bytes).getOrElse(new byte[0]));
        holding.setInt(2, limit);
        return entries(holding);
    }

    /** A named fact about the index (see {@link Schema}), if recorded. */
    Option<String> meta(String name) throws SQLException {
        meta.setString(1, name);
        try (ResultSet rs = meta.executeQuery()) {
            return rs.next() ? Option.of(rs.getString(1)) : Option.none();
        }
    }

    Option<Entry> get(Key key) throws SQLException {
        get.setBytes(1, key.bytes());
        try (ResultSet rs = get.executeQuery()) {
            return rs.next() ? Option.of(Rows.entry(rs, key)) : Option.none();
        }
    }

    /** Keys in {@code [from, below)} in {@code state}, bytewise. */
    Seq<Key> list(byte[] from, byte[] below, EntryState state, int limit) throws SQLException {
        PreparedStatement ps = listByState[Rows.code(state)];
        ps.setBytes(1, from);
        ps.setBytes(2, below);
        ps.setInt(3, limit);
        List<Key> out = List.empty();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out = out.prepend(Rows.key(rs.getBytes(1)));
        }
        return out.reverse();
    }

    Seq<Entry> scan(Option<Key> after, int limit) throws SQLException {
        PreparedStatement ps;
        if (after.isEmpty()) {
            ps = scanFirst;
            ps.setInt(1, limit);
        } else {
            ps = scanAfter;
            ps.setBytes(1, after.get().bytes());
            ps.setInt(2, limit);
        }
        return entries(ps);
    }

    Seq<Entry> writingSince(Instant cutoff, int limit) throws SQLException {
        // Entries keep milliseconds: "updated < cutoff" on millis equals it on instants once the
        // cutoff is rounded up (a cutoff of 5.0004 ms admits an entry at 5 ms).
        long millis = cutoff.toEpochMilli() + (cutoff.getNano() % 1_000_000 == 0 ? 0 : 1);
        writingSince.setLong(1, millis);
        writingSince.setInt(2, limit);
        return entries(writingSince);
    }

    long count() throws SQLException {
        try (ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Seq<Entry> entries(PreparedStatement ps) throws SQLException {
        List<Entry> out = List.empty();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out = out.prepend(Rows.entry(rs));
        }
        return out.reverse();
    }

    @Override
    public void close() throws SQLException {
        try (connection) {
            get.close();
            for (PreparedStatement ps : listByState) ps.close();
            scanFirst.close();
            scanAfter.close();
            writingSince.close();
            count.close();
            holding.close();
        }
    }
}
