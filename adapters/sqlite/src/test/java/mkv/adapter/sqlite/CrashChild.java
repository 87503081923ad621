package mkv.adapter.sqlite;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Volume;

/**
 * Run in a child JVM by the crash test: writes keys from several threads and prints
 * {@code acked <key>} for each write the index acknowledged, until it is killed.
 * Arguments: the index file, the number of keys.
 */
public final class CrashChild {
    private CrashChild() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        int threads = 8;
        Replica replica = new Replica(new Volume("crash.example", 80), 1);
        try (SqliteIndex index = SqliteIndex.open(file);
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = thread; i < n; i += threads) {
                        Key key = new Key("/crash/" + i);
                        if (index.reserve(Option.none(), Entry.writing(key, List.of(replica), 0, Instant.now()))) {
                            synchronized (System.out) {
                                System.out.println("acked " + key.value());
                                System.out.flush();
                            }
                        }
                    }
                    return null;
                });
            }
        }
        System.out.println("done");
        System.out.flush();
    }
}
