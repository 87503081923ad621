package mkv.adapter.sqlite;

import io.vavr.collection.Array;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Volume;

/**
 * A rough throughput check, run by hand (not a test): (a) 64 virtual threads reserving
 * distinct keys for a few seconds, (b) one putAll of a million entries. Argument: a directory
 * for the database files (default: a fresh temp dir). From the repository root:
 * <pre>
 * mvn -B -o -q -pl adapters -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java --enable-native-access=ALL-UNNAMED \
 *     -cp adapters/target/test-classes:adapters/target/classes:$(cat /tmp/cp.txt) \
 *     mkv.adapter.sqlite.SqliteIndexThroughput /tmp/mkv-throughput
 * </pre>
 */
public final class SqliteIndexThroughput {
    private SqliteIndexThroughput() {}

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("mkv-throughput");
        Duration run = Duration.ofSeconds(3);
        Seq<Replica> replicas = List.of(new Replica(new Volume("vol1.example", 80), 1), new Replica(new Volume("vol2.example", 80), 7));
        Md5 md5 = new Md5("0123456789abcdef0123456789abcdef");
        Instant now = Instant.now();

        // (a) single-key writes from 64 concurrent callers: what group commit buys.
        try (var index = SqliteIndex.open(dir.resolve("writers.db"))) {
            var writes = new AtomicLong();
            long end = System.nanoTime() + run.toNanos();
            long start = System.nanoTime();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 64; t++) {
                    int thread = t;
                    threads.submit(() -> {
                        for (int i = 0; System.nanoTime() < end; i++) {
                            if (index.reserve(Option.none(), Entry.writing(new Key("/w/" + thread + "/" + i), replicas, 0, now))) {
                                writes.incrementAndGet();
                            }
                        }
                    });
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            var stats = index.stats();
            System.out.printf("64 writers: %d writes in %.2f s = %.0f writes/s; %d commits (%.1f writes per commit)%n",
                    writes.get(), seconds, writes.get() / seconds, stats.commits(), (double) stats.requests() / stats.commits());
        }

        // (b) bulk load, as rebuild does it.
        int n = 1_000_000;
        Seq<Entry> entries = Array.range(0, n).map(i -> Entry.live(new Key(String.format("/bulk/%08d", i)), replicas, i, md5, 0, now));
        try (var index = SqliteIndex.open(dir.resolve("bulk.db"))) {
            long start = System.nanoTime();
            index.putAll(entries);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("putAll: %d entries in %.2f s = %.0f entries/s; count %d%n", n, seconds, n / seconds, index.count());
        }
    }
}
