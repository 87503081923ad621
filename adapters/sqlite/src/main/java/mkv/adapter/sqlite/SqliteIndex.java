package mkv.adapter.sqlite;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import mkv.domain.ClusterId;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.port.Index;
import mkv.domain.port.ServedIndex;
import mkv.domain.port.IndexFailure;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The index in one SQLite file: reads from a pool of read-only connections, every write
 * through the one writer thread's group commit. A {@code true} answer means committed.
 */
public final class SqliteIndex implements ServedIndex {
    private static final System.Logger LOG = System.getLogger(SqliteIndex.class.getName());

    /** How durable a commit is; see {@link Schema#configureWriter}. */
    public enum Synchronous {
        /** Survives kill -9 of the process; a power loss may drop the last commits. */
        NORMAL,
        /** Also survives a power loss: one fsync per group commit. */
        FULL
    }

    /**
     * Tuning. {@code readers}: pooled read connections; {@code batchSize}: most requests per
     * group commit; {@code putAllChunk}: entries per bulk transaction; {@code cacheMiB}: page
     * cache per connection; {@code mmapBytes}: memory-mapped reads, 0 for none; {@code checkIntegrity}:
     * run {@link IntegrityCheck} at open and refuse a damaged file.
     */
    public record Options(int readers, int batchSize, int putAllChunk, Synchronous synchronous, Duration busyTimeout,
                          int cacheMiB, long mmapBytes, int walAutocheckpointPages, boolean checkIntegrity) {

        public Options {
            if (readers < 1 || readers > 64) throw new IllegalArgumentException("readers must be 1-64, not " + readers);
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
            if (putAllChunk < 1) throw new IllegalArgumentException("putAll chunk must be at least 1, not " + putAllChunk);
            if (synchronous == null) throw new IllegalArgumentException("synchronous must be set");
            if (busyTimeout == null || busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("busy timeout must be between 0 and " + Integer.MAX_VALUE + " ms");
            }
            if (cacheMiB < 1) throw new IllegalArgumentException("cache must be at least 1 MiB, not " + cacheMiB);
            if (mmapBytes < 0) throw new IllegalArgumentException("mmap size must not be negative");
            if (walAutocheckpointPages < 1) throw new IllegalArgumentException("wal autocheckpoint must be at least 1 page");
        }

        /**
         * Four readers (two cores here; a get is a few microseconds), 512 requests per commit,
         * 20,000 entries per bulk transaction (about 3 MiB of log), NORMAL sync, 5 s busy wait
         * for the rebalance tool, 32 MiB cache per connection, 256 MiB mmap, 4,000-page (16 MiB)
         * autocheckpoint, and the integrity check at open.
         */
        public static Options defaults() {
            return new Options(4, 512, 20_000, Synchronous.NORMAL, Duration.ofSeconds(5), 32, 256L << 20, 4000, true);
        }

        public Options withSynchronous(Synchronous s) {
            return new Options(readers, batchSize, putAllChunk, s, busyTimeout, cacheMiB, mmapBytes, walAutocheckpointPages, checkIntegrity);
        }

        public Options withReaders(int n) {
            return new Options(n, batchSize, putAllChunk, synchronous, busyTimeout, cacheMiB, mmapBytes, walAutocheckpointPages, checkIntegrity);
        }

        public Options withIntegrityCheck(boolean check) {
            return new Options(readers, batchSize, putAllChunk, synchronous, busyTimeout, cacheMiB, mmapBytes, walAutocheckpointPages, check);
        }
    }

    /** Write requests taken and transactions committed so far: commits below requests is batching. */
    public record Stats(long requests, long commits) {}

    @Override
    public void onCommit(CommitListener listener) {
        writer.onCommit = listener;
    }

    @Override
    public void onCorruption(Consumer<IndexFailure> listener) {
        onCorruption = listener;
    }

    @Override
    public Option<IndexFailure> corruption() {
        return Option.of(firstCorruption.get());
    }

    private final Path file;
    private final Options options;
    private final Writer writer;
    private final Readers readers;
    private final AtomicReference<IndexFailure> firstCorruption = new AtomicReference<>();
    private volatile Consumer<IndexFailure> onCorruption = f -> { };
    private WriterLock lock;

    private SqliteIndex(Path file, Options options, Writer writer, Readers readers) {
        this.file = file;
        this.options = options;
        this.writer = writer;
        this.readers = readers;
    }

    /**
     * Opens (creating if absent) the index file: 1. the write connection and its settings;
     * 2. the integrity check, before anything is written or read for use; 3. the schema
     * migration and the writer thread; 4. the readers, last, because a read-only connection
     * needs the WAL files the writer created. A damaged file is refused with
     * {@link IndexFailure.Kind#CORRUPT} and a message that names it and the rebuild.
     */
    public static SqliteIndex open(Path file, Options options) {
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        Writer writer = null;
        var opened = new ArrayList<Reader>();
        try {
            Connection w = connect(url, options, false);
            try {
                Schema.configureWriter(w, options);
                if (options.checkIntegrity()) IntegrityCheck.run(w, file);
                Schema.migrate(w);
                writer = new Writer(w, options.batchSize(), "mkv-sqlite-writer " + file.getFileName());
            } catch (SQLException | RuntimeException e) {
                closeQuietlyInto(e, w);
                throw e;
            }
            for (int i = 0; i < options.readers(); i++) {
                Connection r = connect(url, options, true);
                try {
                    Schema.configureReader(r, options);
                    opened.add(new Reader(r));
                } catch (SQLException | RuntimeException e) {
                    closeQuietlyInto(e, r);
                    throw e;
                }
            }
            return new SqliteIndex(file, options, writer, new Readers(opened));
        } catch (SQLException | RuntimeException e) {
            for (Reader r : opened) {
                try {
                    r.close();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
            }
            if (writer != null) {
                try {
                    writer.close();
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
            }
            if (e instanceof IndexFailure f) throw f;
            if (e instanceof SQLException s && Failures.corrupt(s)) throw IntegrityCheck.damaged(file, s.getMessage(), s);
            throw new IndexFailure("cannot open the index " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the index as its one writing process, the coordinator or a rebuild: takes the
     * index's {@link WriterLock} first and holds it until {@link #close()}; throws
     * {@link mkv.domain.port.IndexInUse} naming the holder when another process has it. The
     * admin tools that run beside a coordinator (verify, rebalance) open with {@link #open}.
     */
    public static SqliteIndex openAsSoleWriter(Path file, Options options) {
        WriterLock lock = WriterLock.acquire(file);
        try {
            SqliteIndex index = open(file, options);
            index.lock = lock;
            return index;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * What puts the index's files back as they are now, for a start that gives up: the files
     * it creates (the index, its lock) are removed, and an index that was an empty file is
     * emptied again. A refused start leaves the folder as it found it.
     */
    public static Runnable undoCreation(Path db) {
        java.util.List<java.nio.file.Path> absent = java.util.stream.Stream.of("", "-wal", "-shm", ".lock")
                .map(suffix -> db.resolveSibling(db.getFileName() + suffix))
                .filter(p -> !java.nio.file.Files.exists(p)).toList();
        boolean wasEmptyFile;
        try {
            wasEmptyFile = java.nio.file.Files.isRegularFile(db) && java.nio.file.Files.size(db) == 0;
        } catch (java.io.IOException e) {
            wasEmptyFile = false;
        }
        boolean truncate = wasEmptyFile;
        return () -> {
            try {
                for (java.nio.file.Path p : absent) java.nio.file.Files.deleteIfExists(p);
                if (truncate) java.nio.file.Files.write(db, new byte[0]);
            } catch (java.io.IOException e) {
                System.getLogger(SqliteIndex.class.getName()).log(System.Logger.Level.WARNING, "cannot put " + db + " back as it was: " + e.getMessage());
            }
        };
    }

    @Override
    public void announce(String what) {
        if (lock != null) lock.describe(what);
    }

    public static SqliteIndex open(Path file) {
        return open(file, Options.defaults());
    }

    private static Connection connect(String url, Options o, boolean readOnly) throws SQLException {
        var config = new SQLiteConfig();
        // Each connection is used by one thread at a time (the writer thread, or a reader's
        // borrower), so SQLite's own per-connection mutex is not needed.
        config.setOpenMode(SQLiteOpenMode.NOMUTEX);
        if (readOnly) config.setReadOnly(true);
        // Wait this long for a lock another process holds (the rebalance tool writing the same
        // file) instead of failing at once with SQLITE_BUSY.
        config.setBusyTimeout((int) o.busyTimeout().toMillis());
        // sqlite-jdbc otherwise asks SQLite for the last rowid after every INSERT, UPDATE and
        // DELETE (1.5% of the coordinator's CPU in a PUT/GET/DELETE cycle); mkv never reads it.
        config.setGetGeneratedKeys(false);
        return config.createConnection(url);
    }

    private static void closeQuietlyInto(Exception primary, Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            primary.addSuppressed(e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public String location() {
        return file.toString();
    }

    /** The file and its WAL; a missing WAL (checkpointed away) adds nothing. */
    @Override
    public long storedBytes() {
        long n = 0;
        for (String suffix : java.util.List.of("", "-wal")) {
            try {
                n += java.nio.file.Files.size(file.resolveSibling(file.getFileName() + suffix));
            } catch (java.io.IOException ignored) {
                // absent or unreadable: counted as nothing
            }
        }
        return n;
    }

    public Options options() {
        return options;
    }

    public Stats stats() {
        return new Stats(writer.requests(), writer.commits());
    }

    @Override
    public Option<Entry> get(Key key) {
        return guarded(() -> readers.with("reading " + key, r -> r.get(key)));
    }

    @Override
    public boolean reserve(Option<Entry> expected, Entry next) {
        if (expected.isEmpty()) return guarded(() -> writer.submit(s -> s.insertIfAbsent(next)));
        sameKey(expected.get(), next);
        return guarded(() -> writer.submit(s -> s.updateIfEquals(expected.get(), next)));
    }

    @Override
    public boolean replace(Entry expected, Entry next) {
        sameKey(expected, next);
        return guarded(() -> writer.submit(s -> s.updateIfEquals(expected, next)));
    }

    @Override
    public boolean remove(Entry expected) {
        return guarded(() -> writer.submit(s -> s.deleteIfEquals(expected)));
    }

    // A conditional change replaces one key's row; moving an entry to another key is not one.
    private static void sameKey(Entry expected, Entry next) {
        if (!expected.key().equals(next.key())) {
            throw new IllegalArgumentException("cannot replace the entry of " + expected.key() + " with one for " + next.key());
        }
    }

    @Override
    public Seq<Key> list(String prefix, EntryState state, Option<Key> start, int limit) {
        if (limit <= 0) return List.empty(); // SQLite reads a negative LIMIT as "no limit"
        byte[][] range = range(prefix, start);
        return guarded(() -> readers.with("listing " + prefix, r -> r.list(range[0], range[1], state, limit)));
    }

    /**
     * The bytewise key range {@code [from, below)} of a listing: the keys under {@code prefix},
     * from {@code start} when it lies past the prefix. Every key under the prefix sorts below the
     * prefix followed by 0xFF, since no UTF-8 text holds that byte.
     */
    private static byte[][] range(String prefix, Option<Key> start) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] from = start.isDefined() && Arrays.compareUnsigned(start.get().bytes(), p) > 0 ? start.get().bytes() : p;
        byte[] below = Arrays.copyOf(p, p.length + 1);
        below[p.length] = (byte) 0xFF;
        return new byte[][] {from, below};
    }

    @Override
    public Seq<Entry> inFlight(String prefix, Option<Key> start, int limit) {
        if (limit <= 0) return List.empty();
        byte[][] range = range(prefix, start);
        return guarded(() -> readers.with("listing rows in flight under " + prefix, r -> r.inFlight(range[0], range[1], limit)));
    }

    @Override
    public Seq<Entry> scan(Option<Key> after, int limit) {
        if (limit <= 0) return List.empty();
        return guarded(() -> readers.with("scanning the index", r -> r.scan(after, limit)));
    }

    @Override
    public Seq<Entry> writingSince(Instant cutoff, int limit) {
        if (limit <= 0) return List.empty();
        return guarded(() -> readers.with("finding WRITING entries", r -> r.writingSince(cutoff, limit)));
    }

    /**
     * Upserts in transactions of {@code putAllChunk} entries, keeping one chunk queued while
     * the previous one commits. Not atomic as a whole: a failure leaves earlier chunks in
     * place, which a rebuild simply runs again.
     */
    @Override
    public void putAll(Seq<Entry> entries) {
        guarded(() -> {
            putAllChunked(entries);
            return null;
        });
    }

    private void putAllChunked(Seq<Entry> entries) {
        CompletableFuture<Boolean> previous = null;
        for (Seq<Entry> chunk : entries.grouped(options.putAllChunk())) {
            CompletableFuture<Boolean> next = writer.submitAsync(s -> {
                s.upsertAll(chunk);
                return true;
            });
            if (previous != null) Writer.await(previous);
            previous = next;
        }
        if (previous != null) Writer.await(previous);
    }

    @Override
    public Seq<Entry> holding(Option<Key> after, int limit) {
        if (limit <= 0) return List.empty();
        return readers.with("finding entries that hold other generations", r -> r.holding(after, limit));
    }

    /** The high-water mark in meta advances in the same commit that answers: a crash after it only skips numbers. */
    @Override
    public long reserveGenerations(int n) {
        if (n < 1) throw new IllegalArgumentException("reserve at least one generation, not " + n);
        long[] first = {0};
        writer.submit(s -> {
            long highest = highestGeneration(s);
            first[0] = highest + 1;
            setHighestGeneration(s, Math.addExact(highest, n));
            return true;
        });
        return first[0];
    }

    @Override
    public void raiseGenerations(long floor) {
        writer.submit(s -> {
            if (floor > highestGeneration(s)) setHighestGeneration(s, floor);
            return true;
        });
    }

    private static long highestGeneration(WriteStatements s) throws java.sql.SQLException {
        try (var select = s.connection().prepareStatement("SELECT value FROM meta WHERE name = 'generations'");
             var rs = select.executeQuery()) {
            if (!rs.next()) return 0;
            try {
                return Long.parseLong(rs.getString(1));
            } catch (NumberFormatException e) {
                throw new IndexFailure("the index records a bad generation high-water mark: " + rs.getString(1), e);
            }
        }
    }

    private static void setHighestGeneration(WriteStatements s, long highest) throws java.sql.SQLException {
        try (var upsert = s.connection().prepareStatement(
                "INSERT INTO meta (name, value) VALUES ('generations', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            upsert.setString(1, Long.toString(highest));
            upsert.executeUpdate();
        }
    }

    @Override
    public Option<ClusterId> cluster() {
        return guarded(() -> readers.with("reading the cluster id", r -> r.meta("cluster"))).map(text -> ClusterId.parse(text)
                .getOrElseThrow(why -> new IndexFailure("the index " + file + " records a bad cluster id: " + why, null)));
    }

    /** The first id recorded stays; a later, different one is refused by the answer false. */
    @Override
    public boolean claim(ClusterId cluster) {
        guarded(() -> writer.submit(s -> {
            try (var insert = s.connection().prepareStatement(
                    "INSERT INTO meta (name, value) VALUES ('cluster', ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, cluster.value());
                return insert.executeUpdate() == 1;
            }
        }));
        return cluster().contains(cluster);
    }

    /** The WRITING rows, read from their partial index. */
    @Override
    public Writing writing() {
        return guarded(() -> readers.with("counting WRITING entries", Reader::writing));
    }

    /** Read from the LOST rows' partial index. */
    @Override
    public long lost() {
        return guarded(() -> readers.with("counting LOST entries", Reader::lost));
    }

    /** Read from counters the triggers keep. */
    @Override
    public io.vavr.collection.List<StateCount> countByState() {
        return guarded(() -> readers.with("counting entries by state", r -> io.vavr.collection.List.ofAll(r.countByState().entrySet())
                .map(e -> new StateCount(e.getKey(), e.getValue()[0], e.getValue()[1]))));
    }

    /** Read from counters the triggers keep. */
    @Override
    public io.vavr.collection.List<VolumeCount> countByVolume() {
        return guarded(() -> readers.with("counting replicas by volume", r -> io.vavr.collection.List.ofAll(r.countByVolume().entrySet())
                .map(e -> new VolumeCount(e.getKey(), e.getValue()[0], e.getValue()[1]))));
    }

    @Override
    public long count() {
        return guarded(() -> readers.with("counting entries", Reader::count));
    }

    /** Runs one call of the port, noting any corruption it meets before passing the failure on. */
    private <T> T guarded(Supplier<T> call) {
        try {
            return call.get();
        } catch (IndexFailure f) {
            if (f.isCorrupt()) corrupted(f);
            throw f;
        }
    }

    private void corrupted(IndexFailure f) {
        if (firstCorruption.compareAndSet(null, f)) {
            LOG.log(System.Logger.Level.ERROR, "the index " + file + " is damaged: " + f.getMessage()
                    + "; requests that touch the damage fail until it is rebuilt: stop the coordinator, move the file aside"
                    + " with its -wal and -shm files, and run 'mkv rebuild'", f);
        }
        onCorruption.accept(f);
    }

    /** Runs raw work in the next group commit: for tests that need a failing or slow request. */
    boolean submit(Writer.Work work) {
        return writer.submit(work);
    }

    int queuedWrites() {
        return writer.queued();
    }

    /** Closes the readers, commits what is already queued, then closes the writer. Idempotent. */
    @Override
    public void close() {
        // Readers first: the last connection to close checkpoints the log into the file and
        // removes it, and only the write connection is allowed to.
        IndexFailure failure = null;
        try {
            readers.close();
        } catch (IndexFailure e) {
            failure = e;
        }
        try {
            writer.close();
        } catch (IndexFailure e) {
            if (failure == null) failure = e;
            else failure.addSuppressed(e);
        }
        // Last: the next writer may start only once this one has let go of the file.
        if (lock != null) lock.close();
        if (failure != null) throw failure;
    }
}
