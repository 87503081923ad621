package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM under a load of PUTs: no acknowledged write is lost, no live key lacks a replica, no file is orphaned. */
class ShutdownIT {
    @TempDir
    Path dir;

    @Test
    void sigterm_under_load_loses_no_acknowledged_write_and_leaves_no_live_key_without_replicas() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 3, 2)) {
            Http http = new Http(cluster.base());
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            try (var pool = Executors.newFixedThreadPool(8)) {
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    pool.submit(() -> {
                        Random random = new Random(thread);
                        for (int i = 0; i < 5000 && !stop.get(); i++) {
                            byte[] value = new byte[50_000 + random.nextInt(200_000)];
                            random.nextBytes(value);
                            String key = "/load/" + thread + "/" + i;
                            try {
                                if (http.put(key, value).statusCode() == 201) acknowledged.put(key, Http.md5(value));
                            } catch (Exception e) {
                                return null; // the coordinator went away: this client stops
                            }
                        }
                        return null;
                    });
                }
                Ports.await("some PUTs to be acknowledged", Duration.ofSeconds(30), () -> acknowledged.size() >= 40);
                cluster.stopCoordinator(); // SIGTERM, waits for the process to exit
                stop.set(true);
            }
            assertThat(cluster.log()).doesNotContain("Exception in thread");

            cluster.startCoordinator();
            List<String> live = cluster.liveKeys("/load/");
            assertThat(live).containsAll(acknowledged.keySet());
            for (String key : live) {
                String md5 = cluster.assertEveryReplicaHolds(key);
                if (acknowledged.containsKey(key)) assertThat(md5).isEqualTo(acknowledged.get(key));
            }
            // Blob + sidecar on two replicas per live key, nothing else: recovery cleaned what was in flight.
            assertThat(cluster.filesOnVolumes()).hasSize(live.size() * 4);
        }
    }
}
