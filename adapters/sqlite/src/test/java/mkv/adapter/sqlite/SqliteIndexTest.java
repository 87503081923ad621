package mkv.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import mkv.domain.port.ServedIndex;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Volume;
import mkv.domain.port.Index;
import mkv.domain.port.IndexContract;
import mkv.domain.port.IndexFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite index holds to the contract, and to what only a file and a writer thread can promise. */
class SqliteIndexTest extends IndexContract {

    @TempDir
    Path dir;

    private final AtomicInteger files = new AtomicInteger();

    @Override
    protected Index newIndex() {
        return SqliteIndex.open(freshFile());
    }

    private Path freshFile() {
        return dir.resolve("index-" + files.incrementAndGet() + ".db");
    }

    private static final Instant T = Instant.parse("2026-03-04T05:06:07.089Z");
    private static final Replica REPLICA = new Replica(new Volume("v1.example", 8080), 2);

    private static Entry live(String key) {
        return Entry.live(new Key(key), List.of(REPLICA), 42, new Md5("00112233445566778899aabbccddeeff"), 0, T);
    }

    private static Connection raw(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Waits for a condition without sleeping: yields until it holds or the deadline passes. */
    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out waiting for " + what);
            Thread.yield();
        }
    }

    @Test
    void a_reopened_file_reads_back_what_was_written() {
        Path file = freshFile();
        Entry a = live("/kept/a");
        Entry b = Entry.writing(new Key("/kept/ünïcode"), List.of(REPLICA), 0, T);
        try (var index = SqliteIndex.open(file)) {
            index.reserve(Option.none(), a);
            index.putAll(List.of(b));
        }
        try (var index = SqliteIndex.open(file)) {
            assertThat(index.get(a.key())).isEqualTo(Option.of(a));
            assertThat(index.get(b.key())).isEqualTo(Option.of(b));
            assertThat(index.count()).isEqualTo(2);
        }
    }

    @Test
    void writing_counts_the_writing_rows_and_finds_the_oldest() {
        try (var index = SqliteIndex.open(freshFile())) {
            assertThat(index.writing()).isEqualTo(new ServedIndex.Writing(0, Option.none()));
            index.reserve(Option.none(), live("/w/live"));
            index.reserve(Option.none(), Entry.writing(new Key("/w/new"), List.of(REPLICA), 0, T.plusSeconds(60)));
            Entry old = Entry.writing(new Key("/w/old"), List.of(REPLICA), 0, T);
            index.reserve(Option.none(), old);
            assertThat(index.writing()).isEqualTo(new ServedIndex.Writing(2, Option.of(T)));
            index.remove(old);
            assertThat(index.writing()).isEqualTo(new ServedIndex.Writing(1, Option.of(T.plusSeconds(60))));
        }
    }

    @Test
    void put_all_in_many_chunks_keeps_the_last_entry_given_for_a_key() {
        var small = new SqliteIndex.Options(2, 512, 100, SqliteIndex.Synchronous.NORMAL, Duration.ofSeconds(5), 8, 0, 1000, true);
        try (var index = SqliteIndex.open(freshFile(), small)) {
            var entries = new ArrayList<Entry>();
            for (int i = 0; i < 1000; i++) {
                entries.add(new Entry(new Key("/bulk/" + (i % 300)), EntryState.LIVE, List.of(REPLICA), i,
                        Option.of(new Md5("00112233445566778899aabbccddeeff")), T, T));
            }
            index.putAll(List.ofAll(entries));
            assertThat(index.count()).isEqualTo(300);
            for (int k = 0; k < 300; k++) {
                long last = k + 900 < 1000 ? k + 900 : k + 600;
                assertThat(index.get(new Key("/bulk/" + k)).get().size()).as("/bulk/%d", k).isEqualTo(last);
            }
        }
    }

    @Test
    void the_schema_version_is_kept_in_user_version_and_the_journal_is_wal() throws SQLException {
        Path file = freshFile();
        try (var index = SqliteIndex.open(file); Connection c = raw(file); Statement s = c.createStatement()) {
            assertThat(Schema.version(c)).isEqualTo(Schema.VERSION).isEqualTo(6);
            try (var rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        }
    }

    @Test
    void a_version_1_file_is_upgraded_in_place_keeping_its_rows_and_gains_a_cluster_id_once() throws SQLException {
        Path file = freshFile();
        Entry kept = Entry.live(new Key("/from/version/1"), io.vavr.collection.List.of(new mkv.domain.Replica(new mkv.domain.Volume("v", 1), 0)),
                5, new mkv.domain.Md5("0123456789abcdef0123456789abcdef"), 0, java.time.Instant.parse("2026-01-02T03:04:05Z"));
        // The version-1 layout exactly as it was written, with one row.
        try (Connection c = raw(file); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE entries (
                        key BLOB NOT NULL PRIMARY KEY, state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
                        replicas TEXT NOT NULL, size INTEGER NOT NULL CHECK (size >= 0),
                        md5 TEXT CHECK (md5 IS NOT NULL OR state = 0), created INTEGER NOT NULL, updated INTEGER NOT NULL
                    ) WITHOUT ROWID, STRICT""");
            s.execute("CREATE INDEX entries_writing_by_updated ON entries (updated) WHERE state = 0");
            s.execute("CREATE INDEX entries_unlinked_by_key ON entries (key) WHERE state = 2");
            s.execute("INSERT INTO entries VALUES (CAST('/from/version/1' AS BLOB), 1, 'v:1/0', 5, '0123456789abcdef0123456789abcdef', "
                    + kept.created().toEpochMilli() + ", " + kept.updated().toEpochMilli() + ")");
            s.execute("PRAGMA user_version = 1");
        }
        mkv.domain.ClusterId id = new mkv.domain.ClusterId("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
        try (var index = SqliteIndex.open(file)) {
            // Generation 0, nothing pending or retired: the value written before generations.
            assertThat(index.get(kept.key())).isEqualTo(io.vavr.control.Option.some(kept));
            assertThat(index.cluster()).isEqualTo(io.vavr.control.Option.none());
            assertThat(index.claim(id)).isTrue();
            assertThat(index.reserveGenerations(10)).isEqualTo(1);
        }
        try (var index = SqliteIndex.open(file); Connection c = raw(file)) {
            assertThat(Schema.version(c)).isEqualTo(Schema.VERSION);
            assertThat(index.cluster()).isEqualTo(io.vavr.control.Option.some(id));
            assertThat(index.reserveGenerations(1)).isEqualTo(11);
        }
    }

    @Test
    void a_version_2_file_is_upgraded_in_place_its_rows_becoming_generation_0() throws SQLException {
        Path file = freshFile();
        Entry kept = Entry.live(new Key("/from/version/2"), io.vavr.collection.List.of(new mkv.domain.Replica(new mkv.domain.Volume("v", 1), 0)),
                5, new mkv.domain.Md5("0123456789abcdef0123456789abcdef"), 0, java.time.Instant.parse("2026-01-02T03:04:05Z"));
        try (Connection c = raw(file); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE entries (
                        key BLOB NOT NULL PRIMARY KEY, state INTEGER NOT NULL CHECK (state IN (0, 1, 2)),
                        replicas TEXT NOT NULL, size INTEGER NOT NULL CHECK (size >= 0),
                        md5 TEXT CHECK (md5 IS NOT NULL OR state = 0), created INTEGER NOT NULL, updated INTEGER NOT NULL
                    ) WITHOUT ROWID, STRICT""");
            s.execute("CREATE TABLE meta (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID, STRICT");
            s.execute("INSERT INTO meta VALUES ('cluster', '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9')");
            s.execute("INSERT INTO entries VALUES (CAST('/from/version/2' AS BLOB), 1, 'v:1/0', 5, '0123456789abcdef0123456789abcdef', "
                    + kept.created().toEpochMilli() + ", " + kept.updated().toEpochMilli() + ")");
            s.execute("PRAGMA user_version = 2");
        }
        try (var index = SqliteIndex.open(file); Connection c = raw(file)) {
            assertThat(Schema.version(c)).isEqualTo(Schema.VERSION);
            assertThat(index.get(kept.key())).contains(kept);
            assertThat(index.get(kept.key()).get().generation()).isZero();
            assertThat(index.cluster()).contains(new mkv.domain.ClusterId("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"));
            // A conditional write compares the generation too: the row is replaced only as read.
            Entry later = new Entry(kept.key(), kept.state(), kept.replicas(), 6, kept.md5(), kept.created(), kept.updated(), 4,
                    io.vavr.control.Option.none(), io.vavr.collection.List.empty());
            assertThat(index.replace(later, kept)).isFalse();
            assertThat(index.replace(kept, later)).isTrue();
            assertThat(index.get(kept.key())).contains(later);
        }
    }

    @Test
    void a_version_3_file_gains_the_lost_state_in_place_its_rows_kept_and_only_known_states_admitted() throws SQLException {
        Path file = freshFile();
        Entry kept = Entry.live(new Key("/from/version/3"), io.vavr.collection.List.of(new mkv.domain.Replica(new mkv.domain.Volume("v", 1), 0)),
                5, new mkv.domain.Md5("0123456789abcdef0123456789abcdef"), 4, java.time.Instant.parse("2026-01-02T03:04:05Z"));
        // The version-3 layout as versions 1 to 3 wrote it, with one row.
        try (Connection c = raw(file); Statement s = c.createStatement()) {
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
            s.execute("CREATE INDEX entries_writing_by_updated ON entries (updated) WHERE state = 0");
            s.execute("CREATE INDEX entries_unlinked_by_key ON entries (key) WHERE state = 2");
            s.execute("CREATE TABLE meta (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID, STRICT");
            s.execute("ALTER TABLE entries ADD COLUMN generation INTEGER NOT NULL DEFAULT 0 CHECK (generation >= 0)");
            s.execute("ALTER TABLE entries ADD COLUMN pending TEXT");
            s.execute("ALTER TABLE entries ADD COLUMN retired TEXT");
            s.execute("CREATE INDEX entries_holding_by_key ON entries (key) WHERE pending IS NOT NULL OR retired IS NOT NULL");
            s.execute("INSERT INTO entries VALUES (CAST('/from/version/3' AS BLOB), 1, 'v:1/0', 5, '0123456789abcdef0123456789abcdef', "
                    + kept.created().toEpochMilli() + ", " + kept.updated().toEpochMilli() + ", 4, NULL, NULL)");
            s.execute("PRAGMA user_version = 3");
        }
        try (var index = SqliteIndex.open(file)) {
            assertThat(index.get(kept.key())).contains(kept);
            Entry lost = kept.lost(kept.updated().plusSeconds(1));
            assertThat(index.replace(kept, lost)).isTrue();
            assertThat(index.lost()).isEqualTo(1);
        }
        try (var index = SqliteIndex.open(file); Connection c = raw(file); Statement s = c.createStatement()) {
            assertThat(Schema.version(c)).isEqualTo(Schema.VERSION);
            assertThat(index.get(kept.key()).get().lostFrom()).contains(mkv.domain.EntryState.LIVE);
            try (var rs = s.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            // The widened check still refuses a state no build knows, and a lost value must say what it was.
            assertThatThrownBy(() -> s.execute("INSERT INTO entries (key, state, replicas, size, md5, created, updated)"
                    + " VALUES (x'2f78', 4, 'v:1/0', 1, 'x', 0, 0)")).isInstanceOf(SQLException.class).hasMessageContaining("CHECK");
            assertThatThrownBy(() -> s.execute("INSERT INTO entries (key, state, replicas, size, md5, created, updated)"
                    + " VALUES (x'2f79', 3, 'v:1/0', 1, 'x', 0, 0)")).isInstanceOf(SQLException.class).hasMessageContaining("CHECK");
            assertThatThrownBy(() -> s.execute("INSERT INTO entries (key, state, replicas, size, md5, created, updated, lost_from)"
                    + " VALUES (x'2f7a', 1, 'v:1/0', 1, 'x', 0, 0, 1)")).isInstanceOf(SQLException.class).hasMessageContaining("CHECK");
        }
    }

    @Test
    void one_process_at_a_time_writes_an_index_and_the_refusal_names_the_holder() {
        Path file = freshFile();
        try (var first = SqliteIndex.openAsSoleWriter(file, SqliteIndex.Options.defaults())) {
            first.announce("coordinator on 127.0.0.1:3000");
            assertThatThrownBy(() -> SqliteIndex.openAsSoleWriter(file, SqliteIndex.Options.defaults()))
                    .isInstanceOf(mkv.domain.port.IndexInUse.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid() + ", coordinator on 127.0.0.1:3000");
            // A refused attempt must not loosen the holder's lock.
            assertThatThrownBy(() -> SqliteIndex.openAsSoleWriter(file, SqliteIndex.Options.defaults()))
                    .isInstanceOf(mkv.domain.port.IndexInUse.class);
        }
        try (var next = SqliteIndex.openAsSoleWriter(file, SqliteIndex.Options.defaults())) {
            assertThat(next.count()).isZero();
        }
    }

    @Test
    void a_file_from_a_newer_schema_is_refused() throws SQLException {
        Path file = freshFile();
        try (Connection c = raw(file); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> SqliteIndex.open(file)).isInstanceOf(IndexFailure.class).hasMessageContaining("newer");
    }

    @Test
    void full_synchronous_is_applied_when_chosen() {
        var seen = new AtomicReference<String>();
        try (var index = SqliteIndex.open(freshFile(), SqliteIndex.Options.defaults().withSynchronous(SqliteIndex.Synchronous.FULL))) {
            index.submit(s -> {
                try (Statement st = s.connection().createStatement(); var rs = st.executeQuery("PRAGMA synchronous")) {
                    rs.next();
                    seen.set(rs.getString(1));
                }
                return true;
            });
            assertThat(index.reserve(Option.none(), live("/durable"))).isTrue();
        }
        assertThat(seen.get()).isEqualTo("2"); // 1 NORMAL, 2 FULL
    }

    @Test
    void a_write_that_fails_on_a_full_database_does_not_break_later_writes() {
        try (var index = SqliteIndex.open(freshFile())) {
            // Cap the file at its present size: the next insert that needs a page fails with SQLITE_FULL.
            index.submit(s -> {
                try (Statement st = s.connection().createStatement()) {
                    long pages;
                    try (var rs = st.executeQuery("PRAGMA page_count")) {
                        rs.next();
                        pages = rs.getLong(1);
                    }
                    st.execute("PRAGMA max_page_count = " + pages);
                }
                return true;
            });
            int written = 0;
            IndexFailure full = null;
            while (full == null) {
                try {
                    assertThat(index.reserve(Option.none(), live("/full/" + written))).isTrue();
                    written++;
                } catch (IndexFailure f) {
                    full = f;
                }
            }
            // SQLite rolls the whole transaction back on SQLITE_FULL, so the failure reads "no such
            // savepoint"; either way it is not damage.
            assertThat(written).isPositive();
            assertThat(full.isCorrupt()).as(full.getMessage()).isFalse();
            // Room again (an operator freed disk space): the same prepared insert must work.
            index.submit(s -> {
                try (Statement st = s.connection().createStatement()) {
                    st.execute("PRAGMA max_page_count = 1073741823");
                }
                return true;
            });
            assertThat(index.reserve(Option.none(), live("/full/after"))).isTrue();
            assertThat(index.get(new Key("/full/after"))).isNotEmpty();
            assertThat(index.count()).isEqualTo(written + 1);
        }
    }

    @Test
    void concurrent_writers_all_succeed_and_each_commit_carries_what_it_counts() throws Exception {
        try (var index = SqliteIndex.open(freshFile())) {
            var batches = new java.util.concurrent.CopyOnWriteArrayList<Integer>();
            index.onCommit((size, nanos) -> batches.add(size));
            var results = new ArrayList<Future<Boolean>>();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 64; t++) {
                    int thread = t;
                    results.add(threads.submit(() -> {
                        boolean all = true;
                        for (int i = 0; i < 100; i++) all &= index.reserve(Option.none(), live("/c/" + thread + "/" + i));
                        return all;
                    }));
                }
            }
            for (Future<Boolean> r : results) assertThat(r.get()).isTrue();
            assertThat(index.count()).isEqualTo(6400);
            SqliteIndex.Stats stats = index.stats();
            assertThat(stats.requests()).isEqualTo(6400);
            // How many commits 64 racing threads share depends on timing; the next test proves
            // batching deterministically. Here: every request went into exactly one commit.
            assertThat(stats.commits()).isEqualTo(batches.size());
            assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(6400);
        }
    }

    @Test
    void writers_queued_behind_one_commit_all_ride_the_next_one_up_to_the_batch_size() throws Exception {
        assertThat(SqliteIndex.Options.defaults().batchSize()).isGreaterThanOrEqualTo(20);
        assertThat(writesPerCommit(SqliteIndex.Options.defaults(), 20)).containsExactly(1, 20);
        var batchOfEight = new SqliteIndex.Options(2, 8, 100, SqliteIndex.Synchronous.NORMAL, Duration.ofSeconds(5), 8, 0, 1000, true);
        assertThat(writesPerCommit(batchOfEight, 20)).containsExactly(1, 8, 8, 4);
    }

    /**
     * Holds the writer inside one commit, queues {@code writers} reserves behind it, lets go, and
     * gives the size of every commit (the holding one first): no timing luck, the queue is full
     * before the writer looks at it again.
     */
    private java.util.List<Integer> writesPerCommit(SqliteIndex.Options options, int writers) throws Exception {
        try (var index = SqliteIndex.open(freshFile(), options);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var batches = new java.util.concurrent.CopyOnWriteArrayList<Integer>();
            index.onCommit((size, nanos) -> batches.add(size));
            var holding = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            Future<Boolean> gate = threads.submit(() -> index.submit(s -> {
                holding.countDown();
                try {
                    return release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            var writes = new ArrayList<Future<Boolean>>();
            for (int i = 0; i < writers; i++) {
                int n = i;
                writes.add(threads.submit(() -> index.reserve(Option.none(), live("/queued/" + n))));
            }
            await(writers + " writes to queue", Duration.ofSeconds(30), () -> index.queuedWrites() == writers);
            release.countDown();
            assertThat(gate.get()).isTrue();
            for (Future<Boolean> w : writes) assertThat(w.get()).isTrue();
            assertThat(index.count()).isEqualTo(writers);
            assertThat(index.stats()).isEqualTo(new SqliteIndex.Stats(writers + 1, batches.size()));
            return java.util.List.copyOf(batches);
        }
    }

    @Test
    void a_failing_request_in_a_batch_fails_only_its_own_caller() throws Exception {
        try (var index = SqliteIndex.open(freshFile());
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            // 1. Hold the writer inside a transaction so the next requests queue up as one batch.
            var holding = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            Future<Boolean> gate = threads.submit(() -> index.submit(s -> {
                holding.countDown();
                try {
                    return release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            long commitsBefore = index.stats().commits();
            // 2. Queue good writes around one that writes, then fails with a real SQL error.
            var good = new ArrayList<Future<Boolean>>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                good.add(threads.submit(() -> index.reserve(Option.none(), live("/batch/" + n))));
            }
            await("ten writes to queue", Duration.ofSeconds(30), () -> index.queuedWrites() == 10);
            Future<Boolean> bad = threads.submit(() -> index.submit(s -> {
                s.insertIfAbsent(live("/batch/undone"));
                try (Statement st = s.connection().createStatement()) {
                    st.execute("INSERT INTO no_such_table VALUES (1)");
                }
                return true;
            }));
            await("the failing write to queue", Duration.ofSeconds(30), () -> index.queuedWrites() == 11);
            for (int i = 10; i < 15; i++) {
                int n = i;
                good.add(threads.submit(() -> index.reserve(Option.none(), live("/batch/" + n))));
            }
            await("all sixteen writes to queue", Duration.ofSeconds(30), () -> index.queuedWrites() == 16);
            // 3. Let go: they commit together; only the bad one fails, and its insert is undone.
            release.countDown();
            assertThat(gate.get()).isTrue();
            for (Future<Boolean> g : good) assertThat(g.get()).isTrue();
            assertThatThrownBy(bad::get).hasCauseInstanceOf(IndexFailure.class).hasMessageContaining("no_such_table");
            assertThat(index.stats().commits() - commitsBefore).as("the gate's commit and one for the batch").isEqualTo(2);
            assertThat(index.get(new Key("/batch/undone"))).isEqualTo(Option.none());
            for (int i = 0; i < 15; i++) assertThat(index.get(new Key("/batch/" + i)).isDefined()).isTrue();
        }
    }

    @Test
    void close_commits_queued_writes_and_later_calls_fail() throws Exception {
        Path file = freshFile();
        var acked = new ArrayList<Future<Boolean>>();
        var index = SqliteIndex.open(file);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                int n = i;
                acked.add(threads.submit(() -> {
                    try {
                        return index.reserve(Option.none(), live("/closing/" + n));
                    } catch (IndexFailure closed) {
                        return false;
                    }
                }));
            }
            index.close();
        }
        assertThatThrownBy(() -> index.reserve(Option.none(), live("/late"))).isInstanceOf(IndexFailure.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.get(new Key("/late"))).isInstanceOf(IndexFailure.class).hasMessageContaining("closed");
        index.close(); // idempotent
        try (var reopened = SqliteIndex.open(file)) {
            for (int i = 0; i < 50; i++) {
                if (acked.get(i).get()) assertThat(reopened.get(new Key("/closing/" + i)).isDefined()).as("acked /closing/%d", i).isTrue();
            }
        }
    }

    @Test
    void a_corrupt_row_reads_as_an_index_failure_naming_the_problem() throws SQLException {
        Path file = freshFile();
        try (var index = SqliteIndex.open(file)) {
            index.reserve(Option.none(), live("/fine"));
        }
        try (Connection c = raw(file); Statement s = c.createStatement()) {
            s.execute("INSERT INTO entries (key, state, replicas, size, md5, created, updated) VALUES (CAST('/bad' AS BLOB), 1, 'no-port-here/1', 1, '00112233445566778899aabbccddeeff', 0, 0)");
            s.execute("INSERT INTO entries (key, state, replicas, size, md5, created, updated) VALUES (X'2FC328', 1, '', 1, '00112233445566778899aabbccddeeff', 0, 0)");
        }
        try (var index = SqliteIndex.open(file)) {
            assertThat(index.get(new Key("/fine")).isDefined()).isTrue();
            assertThatThrownBy(() -> index.get(new Key("/bad"))).isInstanceOf(IndexFailure.class)
                    .hasMessageContaining("corrupt index row").hasMessageContaining("no-port-here");
            assertThatThrownBy(() -> index.list("/", EntryState.LIVE, Option.none(), 10)).isInstanceOf(IndexFailure.class)
                    .hasMessageContaining("not valid UTF-8");
        }
    }

    @Test
    void an_acknowledged_write_survives_kill_9_of_the_process() throws Exception {
        Path file = freshFile();
        String javaBinary = ProcessHandle.current().info().command().orElseThrow();
        var command = new ArrayList<String>(java.util.List.of(javaBinary, "--enable-native-access=ALL-UNNAMED"));
        String tmp = System.getProperty("org.sqlite.tmpdir");
        if (tmp != null) command.add("-Dorg.sqlite.tmpdir=" + tmp);
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                file.toString(), "1000000"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        var lines = new LinkedBlockingQueue<String>();
        Thread pump = Thread.ofVirtual().start(() -> {
            try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) lines.add(line);
            } catch (java.io.IOException ignored) {
                // the stream breaks when the child dies; what was read is in the queue
            }
        });
        var output = new ArrayList<String>();
        try {
            // 1. Wait (with a deadline) until the child has acknowledged a good number of writes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long acked = 0;
            while (acked < 500) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) throw new AssertionError("the child acknowledged only " + acked + " writes in time: " + output);
                output.add(line);
                if (line.startsWith("acked ")) acked++;
                else if (line.equals("done")) break;
            }
        } finally {
            // 2. kill -9, mid-write.
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
        }
        // 3. Everything it printed before dying counts as acknowledged.
        pump.join(Duration.ofSeconds(30));
        lines.drainTo(output);
        var keys = output.stream().filter(l -> l.startsWith("acked ")).map(l -> new Key(l.substring("acked ".length()))).toList();
        assertThat(keys).hasSizeGreaterThanOrEqualTo(500);
        try (var index = SqliteIndex.open(file)) {
            for (Key k : keys) assertThat(index.get(k).isDefined()).as("acknowledged %s", k).isTrue();
            assertThat(index.count()).isGreaterThanOrEqualTo(keys.size());
        }
    }
}
