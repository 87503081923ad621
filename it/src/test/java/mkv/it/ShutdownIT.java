package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import mkv.domain.BlobPath;
import mkv.domain.Key;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM under a load of PUTs: no acknowledged write is lost, no live key lacks a replica, no file is orphaned. */
class ShutdownIT {
    @TempDir
    Path dir;

    static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

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
                                if (http.put(key, value).statusCode() == 201) acknowledged.put(key, md5(value));
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
            ObjectMapper json = new ObjectMapper();
            List<String> live = new ArrayList<>();
            JsonNode page = json.readTree(http.get("/load/?list&limit=10000").body());
            page.get("keys").forEach(k -> live.add(k.asText()));

            assertThat(live).containsAll(acknowledged.keySet());
            for (String key : live) {
                HttpResponse<byte[]> redirect = http.get(key);
                assertThat(redirect.statusCode()).isEqualTo(302);
                String md5 = redirect.headers().firstValue("Content-Md5").orElseThrow();
                if (acknowledged.containsKey(key)) assertThat(md5).isEqualTo(acknowledged.get(key));
                // Every replica the index names holds the value.
                for (String volume : redirect.headers().firstValue("Key-Volumes").orElseThrow().split(",")) {
                    String path = BlobPath.of(new Key(key), 0).path();
                    HttpResponse<byte[]> copy = Http.send(HttpRequest.newBuilder(URI.create("http://" + volume + path)).GET());
                    assertThat(copy.statusCode()).as(key + " on " + volume).isEqualTo(200);
                    assertThat(md5(copy.body())).isEqualTo(md5);
                }
            }
            // Blob + sidecar on two replicas per live key, nothing else: recovery cleaned what was in flight.
            assertThat(cluster.filesOnVolumes()).hasSize(live.size() * 4);
        }
    }
}
