package mkv.bench;

import io.vavr.collection.Array;
import io.vavr.collection.List;
import java.nio.file.Path;
import java.time.Instant;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Ring;
import mkv.domain.Volume;

/**
 * Fills an index file with N live entries {@code PREFIX0 .. PREFIX(N-1)}, placed by the ring over
 * the given volumes as a coordinator would place them, through {@code SqliteIndex.putAll} (the
 * rebuild path). No blob is written: a GET answers 302 from the index alone, which is what the
 * key-count scaling of docs/PERFORMANCE.md measures. Usage:
 * <pre>
 * java -cp ... mkv.bench.IndexFill DB N 127.0.0.1:3001,127.0.0.1:3002,127.0.0.1:3003 [PREFIX] [REPLICAS]
 * </pre>
 */
public final class IndexFill {
    private IndexFill() {}

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: IndexFill DB N HOST:PORT[,HOST:PORT...] [PREFIX (default /fill/)] [REPLICAS (default 3)]");
            System.exit(2);
        }
        Path db = Path.of(args[0]);
        long n = Long.parseLong(args[1]);
        List<Volume> volumes = List.of(args[2].split(",")).map(v -> Volume.parse(v).getOrElseThrow((String why) -> new IllegalArgumentException(why)));
        String prefix = args.length > 3 ? args[3] : "/fill/";
        int replicas = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        Ring ring = Ring.of(volumes);
        Md5 md5 = new Md5("0123456789abcdef0123456789abcdef");
        Instant now = Instant.now();
        int batch = 100_000;
        long start = System.nanoTime();
        try (var index = SqliteIndex.open(db)) {
            for (long from = 0; from < n; from += batch) {
                long base = from;
                int size = (int) Math.min(batch, n - from);
                index.putAll(Array.range(0, size).map(i -> {
                    Key k = new Key(prefix + (base + i));
                    return Entry.live(k, ring.replicasFor(k, replicas), 1024, md5, 0, now);
                }));
                double s = (System.nanoTime() - start) / 1e9;
                System.err.printf("\r%,d of %,d entries, %.0f s, %,.0f entries/s", from + size, n, s, (from + size) / s);
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.err.println();
            System.out.printf("filled %s with %,d entries in %.1f s (%,.0f entries/s, placement and entry building included); count %,d%n",
                    db, n, s, n / s, index.count());
        }
    }
}
