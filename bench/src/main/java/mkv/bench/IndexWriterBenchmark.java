package mkv.bench;

import io.vavr.collection.Array;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Volume;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SQLite index's write side: single-key reserve+replace from 64 threads (what group commit
 * buys), and {@code putAll} of 20,000 entries per call (the rebuild path). Throughput is in
 * operations per second: one reserve, one replace, or one entry bulk-loaded.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class IndexWriterBenchmark {
    static final int BULK = 20_000;
    private static final Seq<Replica> REPLICAS = List.of(new Replica(new Volume("vol1.example", 80), 0),
            new Replica(new Volume("vol2.example", 80), 0), new Replica(new Volume("vol3.example", 80), 0));
    private static final Md5 MD5 = new Md5("0123456789abcdef0123456789abcdef");

    private Path dir;
    private SqliteIndex index;
    private final AtomicLong keys = new AtomicLong();
    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("mkv-jmh");
        index = SqliteIndex.open(dir.resolve("index.db"));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        index.close();
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** What a PUT does to the index: reserve WRITING, then replace it with LIVE; two group-committed writes. */
    @Benchmark
    @Threads(64)
    @OperationsPerInvocation(2)
    public boolean reserveThenReplace() {
        Key key = new Key("/w/" + keys.getAndIncrement());
        Entry writing = Entry.writing(key, REPLICAS, 0, now);
        if (!index.reserve(Option.none(), writing)) throw new IllegalStateException("reserve refused " + key);
        return index.replace(writing, Entry.live(key, REPLICAS, 1024, MD5, 0, now));
    }

    /** The next bulk batch, built outside the measured time: this measures the index, not entry construction. */
    @State(Scope.Thread)
    public static class Batch {
        private static final AtomicLong ROUNDS = new AtomicLong();
        Seq<Entry> entries;

        @Setup(Level.Invocation)
        public void build() {
            long round = ROUNDS.getAndIncrement();
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            entries = Array.range(0, BULK).map(i -> Entry.live(new Key(String.format("/bulk/%06d/%06d", round, i)), REPLICAS, i, MD5, 0, now));
        }
    }

    /** One rebuild-sized batch of fresh entries, keys ascending. */
    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(BULK)
    public void putAll(Batch batch) {
        index.putAll(batch.entries);
    }
}
