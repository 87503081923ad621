package mkv.adapter.sqlite;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.port.IndexFailure;

/**
 * One read-only connection and its prepared queries. Used by one caller at a time (the pool
 * sees to that); every result set is closed before the reader goes back, so no read
 * transaction outlives its call and holds back the WAL checkpoint.
 *
 * <p>Scans trust nothing about the order SQLite returns: a damaged page can hold a key that
 * sorts out of place, and a range scan that meets a key above its bound simply ends, with no
 * error. So listings and scans check that keys rise strictly, and a listing reads past its own
 * range far enough to see that the key which ended it is in order too.
 */
final class Reader implements AutoCloseable {
    private final Connection connection;
    private PreparedStatement get;
    private PreparedStatement listFrom;
    private PreparedStatement listUnlinkedFrom;
    private PreparedStatement listLostFrom;
    private PreparedStatement writingRows;
    private PreparedStatement pendingFrom;
    private PreparedStatement lost;
    private PreparedStatement scanFirst;
    private PreparedStatement scanAfter;
    private PreparedStatement writingSince;
    private PreparedStatement count;
    private PreparedStatement writing;
    private PreparedStatement meta;
    private PreparedStatement holding;
    private PreparedStatement byState;
    private PreparedStatement byVolume;

    Reader(Connection connection) throws SQLException {
        this.connection = connection;
        prepare();
    }

    private void prepare() throws SQLException {
        get = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries WHERE key = ?");
        // No upper bound in SQL: SQLite would end the scan at the first key above it without
        // showing it, so a key garbled to sort high would end the listing early and silently.
        // The bound is applied here instead, where the key that ends the range is seen.
        listFrom = connection.prepareStatement("SELECT key, state FROM entries WHERE key >= ? ORDER BY key");
        // The literal state lets SQLite use the partial index of unlinked keys.
        listUnlinkedFrom = connection.prepareStatement("SELECT key, " + Rows.code(EntryState.UNLINKED)
                + " FROM entries WHERE key >= ? AND state = " + Rows.code(EntryState.UNLINKED) + " ORDER BY key");
        listLostFrom = connection.prepareStatement("SELECT key, " + Rows.code(EntryState.LOST)
                + " FROM entries WHERE key >= ? AND state = " + Rows.code(EntryState.LOST) + " ORDER BY key");
        // Rows in flight, for ?writing: all WRITING ones from their partial index (few: writes in
        // flight and a crash's leftovers; no ORDER BY, which could tempt SQLite into a walk of the
        // whole table), and pending replaces from the index of rows holding other generations (the
        // WHERE repeats that index's own, so SQLite uses it) in key order.
        writingRows = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries WHERE state = " + Rows.code(EntryState.WRITING));
        pendingFrom = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries"
                + " WHERE (pending IS NOT NULL OR retired IS NOT NULL) AND key >= ? ORDER BY key");
        // Counts the partial index of lost keys alone: cheap enough for every scrape.
        lost = connection.prepareStatement("SELECT count(*) FROM entries WHERE state = " + Rows.code(EntryState.LOST));
        scanFirst = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries ORDER BY key LIMIT ?");
        scanAfter = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries WHERE key > ? ORDER BY key LIMIT ?");
        writingSince = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries WHERE state = "
                + Rows.code(EntryState.WRITING) + " AND updated < ? ORDER BY updated, key LIMIT ?");
        count = connection.prepareStatement("SELECT count(*) FROM entries");
        // Reads only the partial index of WRITING rows (entries_writing_by_updated): they are few.
        writing = connection.prepareStatement("SELECT count(*), min(updated) FROM entries WHERE state = " + Rows.code(EntryState.WRITING));
        meta = connection.prepareStatement("SELECT value FROM meta WHERE name = ?");
        holding = connection.prepareStatement("SELECT " + Rows.COLUMNS + " FROM entries"
                + " WHERE (pending IS NOT NULL OR retired IS NOT NULL OR owed = 1) AND key > ? ORDER BY key LIMIT ?");
        byState = connection.prepareStatement("SELECT state, keys, bytes FROM entry_counts WHERE keys <> 0 OR bytes <> 0");
        byVolume = connection.prepareStatement("SELECT volume, replicas, bytes FROM volume_counts WHERE replicas <> 0 OR bytes <> 0");
    }

    /** Entries after {@code after} that hold a pending write or retired generations, or owe sidecars, by key. */
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

    /**
     * Prepares every query afresh. sqlite-jdbc finalizes a statement whose first step fails
     * with anything but BUSY/LOCKED/MISUSE/CONSTRAINT (a corrupt page, an IO error), and every
     * later use of it fails with "statement is not executing": without this, one bad read
     * would break this reader for good, and with it every request that borrows it.
     */
    void renew() throws SQLException {
        closeStatements();
        prepare();
    }

    Option<Entry> get(Key key) throws SQLException {
        get.setBytes(1, key.bytes());
        try (ResultSet rs = get.executeQuery()) {
            return rs.next() ? Option.of(Rows.entry(rs, key)) : Option.none();
        }
    }

    /**
     * Up to {@code limit} keys in {@code [from, below)} in {@code state}, bytewise. When the range
     * ends before the limit, the key that ended it and the one after are checked too.
     */
    Seq<Key> list(byte[] from, byte[] below, EntryState state, int limit) throws SQLException {
        PreparedStatement ps = switch (state) {
            case UNLINKED -> listUnlinkedFrom;
            case LOST -> listLostFrom;
            default -> listFrom;
        };
        int wanted = Rows.code(state);
        return inRange(ps, from, below, limit, (rs, raw) -> rs.getInt(2) == wanted ? Option.some(Rows.key(raw)) : Option.none());
    }

    /**
     * Up to {@code limit} rows in flight with keys in {@code [from, below)}: WRITING ones and those
     * with a pending write, merged in key order. The read of pending ones checks its keys' order as listings do.
     */
    Seq<Entry> inFlight(byte[] from, byte[] below, int limit) throws SQLException {
        List<Entry> writing = List.empty();
        try (ResultSet rs = writingRows.executeQuery()) {
            while (rs.next()) {
                byte[] raw = keyBytes(rs);
                if (Arrays.compareUnsigned(raw, from) >= 0 && Arrays.compareUnsigned(raw, below) < 0) writing = writing.prepend(Rows.entry(rs, raw));
            }
        }
        Seq<Entry> pending = entriesIn(pendingFrom, from, below, limit, e -> e.pending().isDefined() && !e.is(EntryState.WRITING));
        return writing.appendAll(pending).sortBy(Entry::key).take(limit);
    }

    private static Seq<Entry> entriesIn(PreparedStatement ps, byte[] from, byte[] below, int limit,
                                        java.util.function.Predicate<Entry> wanted) throws SQLException {
        return inRange(ps, from, below, limit, (rs, raw) -> Option.some(Rows.entry(rs, raw)).filter(wanted));
    }

    /** What a range scan keeps of the current row, whose key's bytes are {@code raw}: none to skip it. */
    @FunctionalInterface
    private interface RowPick<T> {
        Option<T> pick(ResultSet rs, byte[] raw) throws SQLException;
    }

    /**
     * Up to {@code limit} picks of the rows {@code ps} returns from {@code from} (bound as its
     * one parameter) in key order, up to {@code below}, every key checked to come in order. When
     * the range ends before the limit, the key that ended it and the one after are checked too:
     * a key garbled to sort high must not end a listing early and silently.
     */
    private static <T> Seq<T> inRange(PreparedStatement ps, byte[] from, byte[] below, int limit, RowPick<T> keep) throws SQLException {
        ps.setBytes(1, from);
        List<T> out = List.empty();
        int found = 0;
        try (ResultSet rs = ps.executeQuery()) {
            byte[] previous = null;
            while (rs.next()) {
                byte[] raw = keyBytes(rs);
                inOrder(previous, raw, from);
                if (Arrays.compareUnsigned(raw, below) >= 0) {
                    // The range ends here, unless this key is garbage that sorts high: then its
                    // successor sorts below it. Decoding it catches garbage that is not a key.
                    Rows.key(raw);
                    if (rs.next()) inOrder(raw, keyBytes(rs), from);
                    break;
                }
                previous = raw;
                Option<T> kept = keep.pick(rs, raw);
                if (kept.isEmpty()) continue;
                out = out.prepend(kept.get());
                if (++found == limit) break;
            }
        }
        return out.reverse();
    }

    /** How many keys are LOST. */
    long lost() throws SQLException {
        try (ResultSet rs = lost.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
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
        List<Entry> out = List.empty();
        try (ResultSet rs = ps.executeQuery()) {
            byte[] previous = after.isEmpty() ? null : after.get().bytes();
            while (rs.next()) {
                byte[] raw = keyBytes(rs);
                if (previous != null && Arrays.compareUnsigned(raw, previous) <= 0) throw outOfOrder(previous, raw);
                previous = raw;
                out = out.prepend(Rows.entry(rs, raw));
            }
        }
        return out.reverse();
    }

    private static Seq<Entry> entries(PreparedStatement ps) throws SQLException {
        List<Entry> out = List.empty();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out = out.prepend(Rows.entry(rs));
        }
        return out.reverse();
    }

    Seq<Entry> writingSince(Instant cutoff, int limit) throws SQLException {
        // Entries keep milliseconds: "updated < cutoff" on millis equals it on instants once the
        // cutoff is rounded up (a cutoff of 5.0004 ms admits an entry at 5 ms).
        long millis = cutoff.toEpochMilli() + (cutoff.getNano() % 1_000_000 == 0 ? 0 : 1);
        writingSince.setLong(1, millis);
        writingSince.setInt(2, limit);
        List<Entry> out = List.empty();
        try (ResultSet rs = writingSince.executeQuery()) {
            while (rs.next()) out = out.prepend(Rows.entry(rs));
        }
        return out.reverse();
    }

    mkv.domain.port.ServedIndex.Writing writing() throws SQLException {
        try (ResultSet rs = writing.executeQuery()) {
            rs.next();
            long rows = rs.getLong(1);
            long oldest = rs.getLong(2);
            return new mkv.domain.port.ServedIndex.Writing(rows, rs.wasNull() ? Option.none() : Option.of(Instant.ofEpochMilli(oldest)));
        }
    }

    /** Keys and bytes in each state, from the counters the triggers keep (see {@link Counters}): a few rows. */
    java.util.Map<EntryState, long[]> countByState() throws SQLException {
        var out = new java.util.EnumMap<EntryState, long[]>(EntryState.class);
        for (EntryState state : EntryState.values()) out.put(state, new long[2]);
        try (ResultSet rs = byState.executeQuery()) {
            while (rs.next()) {
                int code = rs.getInt(1);
                EntryState state;
                try {
                    state = Rows.state(code);
                } catch (IllegalArgumentException e) {
                    throw IndexFailure.corrupt("corrupt index: the counters name an unknown state code " + code, e);
                }
                out.put(state, new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return out;
    }

    /** Replicas and bytes on each volume the index names, from the counters; volumes it no longer names are left out. */
    java.util.Map<String, long[]> countByVolume() throws SQLException {
        var out = new java.util.TreeMap<String, long[]>();
        try (ResultSet rs = byVolume.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
        return out;
    }

    long count() throws SQLException {
        try (ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The key column of the current row; a NULL there is damage (the column is NOT NULL). */
    private static byte[] keyBytes(ResultSet rs) throws SQLException {
        byte[] raw = rs.getBytes(1);
        if (raw == null) throw IndexFailure.corrupt("corrupt index: a row has no key", null);
        return raw;
    }

    /** The first key must not sort below {@code from}; each later one must sort above the one before. */
    private static void inOrder(byte[] previous, byte[] next, byte[] from) {
        if (previous == null) {
            if (Arrays.compareUnsigned(next, from) < 0) throw outOfOrder(from, next);
        } else if (Arrays.compareUnsigned(next, previous) <= 0) {
            throw outOfOrder(previous, next);
        }
    }

    private static IndexFailure outOfOrder(byte[] before, byte[] after) {
        return IndexFailure.corrupt("corrupt index: key 0x" + hex(after) + " comes after key 0x" + hex(before)
                + " but does not sort above it; the file is damaged", null);
    }

    private static String hex(byte[] raw) {
        return HexFormat.of().formatHex(raw, 0, Math.min(raw.length, 64)) + (raw.length > 64 ? "…" : "");
    }

    private void closeStatements() throws SQLException {
        Statements.closeAll(get, listFrom, listUnlinkedFrom, listLostFrom, writingRows, pendingFrom, lost, scanFirst, scanAfter, writingSince, count,
                writing, meta, holding, byState, byVolume);
    }

    @Override
    public void close() throws SQLException {
        try (connection) {
            closeStatements();
        }
    }
}
