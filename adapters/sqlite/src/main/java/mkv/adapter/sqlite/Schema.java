package mkv.adapter.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import mkv.domain.port.IndexFailure;

/**
 * The connection settings and the table layout. The layout's version lives in
 * {@code PRAGMA user_version}; {@link #migrate} brings an older file up to {@link #VERSION}
 * and refuses a newer one rather than guess at it.
 */
final class Schema {
    private Schema() {}

    /**
     * The layout this build writes. 1: the entries table and its two partial indexes;
     * 2: the meta table (the cluster id); 3: each entry's generation, pending write and retired
     * generations, and the generation high-water mark in meta; 4: whether a row owes its
     * sidecars a rewrite (an UNLINK or RELINK not yet on every replica); 5: the LOST state
     * (code 3) and the state a lost value had ({@link #addLostState}); 6 ({@link #COUNTERS}):
     * keys and bytes by state and by volume, kept by triggers.
     */
    static final int VERSION = 6;

    /**
     * The version that adds the counters ({@link #addCounters}). Its own constant so that a merge
     * with another branch's migration only renumbers it: the step itself depends on no other.
     */
    static final int COUNTERS = 6;

    /** The most page cache a read connection keeps, in MiB (the writer keeps the configured size). */
    static final int READER_CACHE_MIB = 8;

    /** The settings of the one write connection. */
    static void configureWriter(Connection c, SqliteIndex.Options o) throws SQLException {
        try (Statement s = c.createStatement()) {
            // WAL: readers never block the writer nor it them, and a commit is one append to
            // the log instead of a rewrite of the pages. The mode is stored in the file, so
            // checking the answer here catches a file that cannot use it (e.g. a network FS).
            try (var rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "?";
                if (!"wal".equalsIgnoreCase(mode)) throw new SQLException("journal_mode stayed " + mode + ", WAL is required");
            }
            // NORMAL in WAL mode: a commit reaches the OS before it is acknowledged, so it
            // survives kill -9 of this process; only a power loss or kernel crash can drop the
            // last commits (the file stays consistent). FULL fsyncs the log at every commit for
            // power-loss durability, at the price of one fsync per group commit.
            s.execute("PRAGMA synchronous = " + o.synchronous().name());
            // Checkpoint the log back into the file every N pages (default 1000 = 4 MiB); a
            // larger log means fewer checkpoints under heavy writes, and journal_size_limit
            // truncates it again after a bulk load instead of keeping a huge file.
            s.execute("PRAGMA wal_autocheckpoint = " + o.walAutocheckpointPages());
            s.execute("PRAGMA journal_size_limit = " + 64L * 1024 * 1024);
            common(s, o);
        }
    }

    /** The settings of a pooled read connection (opened read-only). */
    static void configureReader(Connection c, SqliteIndex.Options o) throws SQLException {
        try (Statement s = c.createStatement()) {
            // Belt and braces over the read-only open: a reader never writes, even by mistake.
            s.execute("PRAGMA query_only = ON");
            common(s, o);
            // A reader's lookups land on random leaf pages, which its own cache rarely holds again:
            // past the mmap window they are read from the kernel's page cache anyway. A small cache
            // keeps the hot upper levels of the tree; a 32 MiB one per reader only made the
            // coordinator's anonymous memory grow with the index (4 readers: +128 MiB at 10M keys).
            s.execute("PRAGMA cache_size = " + (-1024L * Math.min(o.cacheMiB(), READER_CACHE_MIB)));
        }
    }

    private static void common(Statement s, SqliteIndex.Options o) throws SQLException {
        // One table, no foreign keys: off states that nothing is enforced across tables.
        s.execute("PRAGMA foreign_keys = OFF");
        // Sorts and transient indexes stay in memory: ours are small (a page of a listing).
        s.execute("PRAGMA temp_store = MEMORY");
        // The page cache is per connection; negative means KiB rather than pages.
        s.execute("PRAGMA cache_size = " + (-1024L * o.cacheMiB()));
        // Reads through mmap skip a copy per page; 0 turns it off (safer on flaky storage,
        // where an IO error becomes a SIGBUS instead of an error code).
        s.execute("PRAGMA mmap_size = " + o.mmapBytes());
        // busy_timeout is set through SQLiteConfig when the connection opens: another process
        // (the rebalance tool) may hold the write lock, and we wait for it up to this long.
    }

    /** Creates or upgrades the layout inside one IMMEDIATE transaction; refuses newer files. */
    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                int found = version(c);
                if (found > VERSION) {
                    throw new IndexFailure("index schema version " + found + " is newer than this build's " + VERSION
                            + ": upgrade mkv before opening it", null);
                }
                if (found < 1) createVersion1(s);
                if (found < 2) createVersion2(s);
                if (found < 3) createVersion3(s);
                if (found < 4) createVersion4(s);
                if (found < 5) addLostState(c, s);
                if (found < COUNTERS) addCounters(s);
                s.execute("PRAGMA user_version = " + VERSION);
                s.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        }
    }

    static int version(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void createVersion4(Statement s) throws SQLException {
        // In place: no existing row owes anything. ALTER TABLE ADD COLUMN rewrites no row.
        s.execute("ALTER TABLE entries ADD COLUMN owed INTEGER NOT NULL DEFAULT 0 CHECK (owed IN (0, 1))");
        // Recovery reads rows that hold other generations or owe sidecars through one partial
        // index: both are rare, so it stays small.
        s.execute("DROP INDEX IF EXISTS entries_holding_by_key");
        s.execute("CREATE INDEX entries_holding_by_key ON entries (key) WHERE pending IS NOT NULL OR retired IS NOT NULL OR owed = 1");
    }

    /** The state CHECK as version 1 wrote it, and as this step widens it to admit LOST (code 3). */
    static final String STATES_BEFORE_LOST = "CHECK (state IN (0, 1, 2))";
    static final String STATES_WITH_LOST = "CHECK (state IN (0, 1, 2, 3))";

    /**
     * Version 5, the LOST state: widens the state CHECK, adds {@code lost_from} (the state code a
     * LOST value had: 1 LIVE, 2 UNLINKED; NULL in every other state) and a partial index of lost
     * keys for {@code ?lost} and the lost-keys gauge. SQLite cannot ALTER a column's CHECK, and
     * rebuilding the table would copy every row of a possibly huge index; widening a CHECK that
     * every row already meets changes nothing on disk, which is the case SQLite's documentation
     * ("Making Other Kinds Of Table Schema Changes") allows to be done by editing the stored
     * schema text under {@code writable_schema}, bumping {@code schema_version}, inside this
     * migration's transaction. The text must be found exactly once, or nothing is changed.
     */
    private static void addLostState(Connection c, Statement s) throws SQLException {
        String table;
        try (var rs = s.executeQuery("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'entries'")) {
            table = rs.next() ? rs.getString(1) : "";
        }
        int at = table.indexOf(STATES_BEFORE_LOST);
        if (at < 0 || table.indexOf(STATES_BEFORE_LOST, at + 1) >= 0) {
            throw new IndexFailure("cannot add the LOST state: the entries table does not have the state check this build expects: " + table, null);
        }
        int schemaVersion;
        try (var rs = s.executeQuery("PRAGMA schema_version")) {
            schemaVersion = rs.next() ? rs.getInt(1) : 0;
        }
        s.execute("PRAGMA writable_schema = ON");
        try (var ps = c.prepareStatement("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'entries'")) {
            ps.setString(1, table.replace(STATES_BEFORE_LOST, STATES_WITH_LOST));
            ps.executeUpdate();
        } finally {
            s.execute("PRAGMA schema_version = " + (schemaVersion + 1));
            s.execute("PRAGMA writable_schema = OFF");
        }
        s.execute("ALTER TABLE entries ADD COLUMN lost_from INTEGER CHECK ((lost_from IS NULL OR lost_from IN (1, 2)) AND (lost_from IS NULL) = (state <> 3))");
        // Lost keys are few: ?lost and the gauge read only them.
        s.execute("CREATE INDEX IF NOT EXISTS entries_lost_by_key ON entries (key) WHERE state = 3");
    }

    /**
     * Keys and bytes by state ({@code entry_counts}) and replicas and bytes by volume
     * ({@code volume_counts}), kept by triggers on entries in the same transaction as every
     * change, so that a scrape reads a few rows instead of counting an index of millions. Both
     * are keyed by the stored values, not by a list of them: a new state code or a new volume
     * needs no change here. Filled once from the rows already there (one pass over the table).
     */
    private static void addCounters(Statement s) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS entry_counts (state INTEGER NOT NULL PRIMARY KEY, keys INTEGER NOT NULL, bytes INTEGER NOT NULL) STRICT");
        s.execute("CREATE TABLE IF NOT EXISTS volume_counts (volume TEXT NOT NULL PRIMARY KEY, replicas INTEGER NOT NULL, bytes INTEGER NOT NULL) WITHOUT ROWID, STRICT");
        for (String sql : Counters.TRIGGERS) s.execute(sql);
        s.execute("DELETE FROM entry_counts");
        s.execute("DELETE FROM volume_counts");
        s.execute("INSERT INTO entry_counts (state, keys, bytes) SELECT state, count(*), coalesce(sum(size), 0) FROM entries GROUP BY state");
        // By placement first, then by volume: a cluster has few distinct replica lists, so json_each
        // splits each once instead of once per row (1.8 s instead of 7.4 s for 1M keys, measured).
        s.execute("INSERT INTO volume_counts (volume, replicas, bytes) SELECT " + Counters.VOLUME + ", sum(p.keys), sum(p.bytes)"
                + " FROM (SELECT replicas, count(*) AS keys, coalesce(sum(size), 0) AS bytes FROM entries AS e WHERE "
                + Counters.stored("e") + " GROUP BY replicas) AS p, " + Counters.replicasOf("p") + " GROUP BY 1");
    }

    private static void createVersion3(Statement s) throws SQLException {
        // In place: existing rows are generation 0, the layout written before generations, with
        // nothing pending or retired. ALTER TABLE ADD COLUMN rewrites no row.
        s.execute("ALTER TABLE entries ADD COLUMN generation INTEGER NOT NULL DEFAULT 0 CHECK (generation >= 0)");
        // A replace being written (pending) and replaced values waiting out their grace (retired),
        // in the compact text of Rows.held; NULL when there are none, as in almost every row.
        s.execute("ALTER TABLE entries ADD COLUMN pending TEXT");
        s.execute("ALTER TABLE entries ADD COLUMN retired TEXT");
        // Recovery and the retire sweep read only rows that hold such files: few, so this costs little.
        s.execute("CREATE INDEX IF NOT EXISTS entries_holding_by_key ON entries (key) WHERE pending IS NOT NULL OR retired IS NOT NULL");
    }

    private static void createVersion2(Statement s) throws SQLException {
        // Facts about the index as a whole, by name: 'cluster' is the id shared with the volumes.
        s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID, STRICT");
    }

    private static void createVersion1(Statement s) throws SQLException {
        // The key is its UTF-8 bytes as a BLOB: BLOBs compare with memcmp, so ORDER BY and
        // range scans are bytewise, the order listings promise. WITHOUT ROWID stores rows in
        // the primary key's b-tree: one lookup per get, no second index. STRICT refuses values
        // of the wrong type, should another program write this file.
        s.execute("""
                CREATE TABLE IF NOT EXISTS entries (
                    key      BLOB    NOT NULL PRIMARY KEY,
                    state    INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
                    replicas TEXT    NOT NULL,
                    size     INTEGER NOT NULL CHECK (size >= 0),
                    md5      TEXT    CHECK (md5 IS NOT NULL OR state = 0),
                    created  INTEGER NOT NULL,
                    updated  INTEGER NOT NULL
                ) WITHOUT ROWID, STRICT""");
        // The crash-recovery sweep (writingSince) reads only WRITING rows, oldest first;
        // WRITING rows are few, so this index costs little.
        s.execute("CREATE INDEX IF NOT EXISTS entries_writing_by_updated ON entries (updated) WHERE state = 0");
        // Listing unlinked keys must not walk every live key under the prefix.
        s.execute("CREATE INDEX IF NOT EXISTS entries_unlinked_by_key ON entries (key) WHERE state = 2");
    }
}
