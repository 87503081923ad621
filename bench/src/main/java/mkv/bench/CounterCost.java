package mkv.bench;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Volume;

/**
 * What the key counters' triggers cost a PUT's index writes, on a shared machine: two index files
 * in one JVM, one with the triggers and one with them dropped (the index as it was before them),
 * measured in alternation, round after round, so that load from other processes falls on both
 * alike. Each round does a PUT's two writes (reserve WRITING, replace with LIVE) for {@code N} new
 * keys from 64 threads on each index, and then a bulk {@code putAll} of {@code N} entries.
 * Prints each round's rates and the median ratio. Usage:
 * <pre>
 * java -cp ... mkv.bench.CounterCost [ROUNDS (default 8)] [N (default 20000)]
 * </pre>
 */
public final class CounterCost {
    private CounterCost() {}

    private static final Seq<Replica> REPLICAS = List.of(new Replica(new Volume("vol1.example", 80), 0),
            new Replica(new Volume("vol2.example", 80), 0), new Replica(new Volume("vol3.example", 80), 0));
    private static final Md5 MD5 = new Md5("0123456789abcdef0123456789abcdef");
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path dir = Files.createTempDirectory("mkv-counter-cost");
        Path with = dir.resolve("with.db");
        Path without = dir.resolve("without.db");
        SqliteIndex.open(without).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + without); Statement s = c.createStatement()) {
            for (String t : List.of("entries_count_insert", "entries_count_delete", "entries_count_state", "entries_count_volumes")) {
                s.execute("DROP TRIGGER " + t);
            }
        }
        double[] putRatio = new double[rounds];
        double[] bulkRatio = new double[rounds];
        AtomicLong keys = new AtomicLong();
        try (SqliteIndex a = SqliteIndex.open(with); SqliteIndex b = SqliteIndex.open(without)) {
            puts(a, 2_000, keys);
            puts(b, 2_000, keys);
            for (int r = 0; r < rounds; r++) {
                // Alternate which goes first, so neither always meets the other's leftover checkpoint.
                boolean withFirst = r % 2 == 0;
                double pw, pwo, bw, bwo;
                if (withFirst) {
                    pw = puts(a, n, keys);
                    pwo = puts(b, n, keys);
                } else {
                    pwo = puts(b, n, keys);
                    pw = puts(a, n, keys);
                }
                if (withFirst) {
                    bw = bulk(a, n, keys);
                    bwo = bulk(b, n, keys);
                } else {
                    bwo = bulk(b, n, keys);
                    bw = bulk(a, n, keys);
                }
                putRatio[r] = pw / pwo;
                bulkRatio[r] = bw / bwo;
                System.out.printf("round %d: PUT writes/s with %.0f without %.0f (%.2f); putAll entries/s with %.0f without %.0f (%.2f); load %s%n",
                        r + 1, pw, pwo, putRatio[r], bw, bwo, bulkRatio[r], Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            }
        }
        System.out.printf("median ratio with/without: PUT writes %.2f, putAll %.2f%n", median(putRatio), median(bulkRatio));
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** A PUT's two index writes for {@code n} new keys from 64 threads; writes per second. */
    private static double puts(SqliteIndex index, int n, AtomicLong keys) throws Exception {
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
            var done = new java.util.ArrayList<Future<?>>();
            AtomicLong left = new AtomicLong(n);
            for (int t = 0; t < 64; t++) {
                done.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        Key key = new Key("/w/" + keys.getAndIncrement());
                        Entry writing = Entry.writing(key, REPLICAS, 0, NOW);
                        if (!index.reserve(Option.none(), writing)) throw new IllegalStateException("reserve refused " + key);
                        if (!index.replace(writing, Entry.live(key, REPLICAS, 1024, MD5, 0, NOW))) throw new IllegalStateException("replace refused");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        }
        return 2.0 * n / ((System.nanoTime() - start) / 1e9);
    }

    /** {@code n} new entries in one putAll; entries per second. */
    private static double bulk(SqliteIndex index, int n, AtomicLong keys) {
        long first = keys.getAndAdd(n);
        Seq<Entry> entries = io.vavr.collection.Array.range(0, n)
                .map(i -> Entry.live(new Key(String.format("/bulk/%012d", first + i)), REPLICAS, i, MD5, 0, NOW));
        long start = System.nanoTime();
        index.putAll(entries);
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
