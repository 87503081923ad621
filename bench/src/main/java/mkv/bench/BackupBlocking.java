package mkv.bench;

import io.vavr.collection.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Ring;
import mkv.domain.Volume;

/**
 * How long each way of backing up a live index holds up its writer: one-entry writes run in a
 * loop through {@code SqliteIndex} (as a coordinator's PUTs do) while a second connection copies
 * the file with {@code VACUUM INTO} or sqlite-jdbc's {@code backup to}; prints each copy's time
 * and the write latencies seen meanwhile, and those of 3 s of writes with no copy ("none"). Fill the index first with {@link IndexFill}. Usage:
 * <pre>
 * java -cp ... mkv.bench.BackupBlocking DB OUT_FOLDER
 * </pre>
 */
public final class BackupBlocking {
    private BackupBlocking() {}

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        Ring ring = Ring.of(List.of(Volume.parse("127.0.0.1:3001").get(), Volume.parse("127.0.0.1:3002").get()));
        Md5 md5 = new Md5("0123456789abcdef0123456789abcdef");
        try (var index = SqliteIndex.open(db)) {
            for (String method : List.of("none", "vacuum", "backup", "none", "vacuum", "backup")) {
                Path target = out.resolve(method + "-" + System.nanoTime() + ".db");
                java.util.List<Long> during = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
                AtomicBoolean copying = new AtomicBoolean(true);
                Thread writer = Thread.ofPlatform().start(() -> {
                    long i = 0;
                    while (copying.get()) {
                        Key k = new Key("/bench-backup/" + method + "/" + (i++));
                        long t = System.nanoTime();
                        index.putAll(List.of(Entry.live(k, ring.replicasFor(k, 2), 10, md5, 0, Instant.now())));
                        during.add((System.nanoTime() - t) / 1000);
                    }
                });
                long start = System.nanoTime();
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath()); Statement s = c.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 10000");
                    switch (method) {
                        case "vacuum" -> s.execute("VACUUM INTO '" + target.toAbsolutePath() + "'");
                        case "backup" -> s.executeUpdate("backup to " + target.toAbsolutePath());
                        default -> Thread.sleep(3000); // the writer alone: the latencies a copy is compared with
                    }
                } catch (Exception e) {
                    System.out.println(method + " failed: " + e.getMessage());
                }
                double secs = (System.nanoTime() - start) / 1e9;
                copying.set(false);
                writer.join();
                long[] us = during.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("%-6s copy %.2f s, %,d MB; %,d writes meanwhile: write latency p50 %.2f ms, p99 %.2f ms, max %.1f ms%n",
                        method, secs, Files.exists(target) ? Files.size(target) / 1_000_000 : -1, us.length,
                        us.length == 0 ? 0 : us[us.length / 2] / 1000.0, us.length == 0 ? 0 : us[(int) (us.length * 0.99)] / 1000.0,
                        us.length == 0 ? 0 : us[us.length - 1] / 1000.0);
                Files.deleteIfExists(target);
            }
        }
    }
}
