package mkv.it;

import static mkv.it.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mkv.domain.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volumes that die: reads go on from the other replicas, writes fail fast and leave nothing behind. */
class FaultsIT {
    @TempDir
    Path dir;
    Cluster cluster;
    Http http;

    void start() {
        cluster = Cluster.start(dir, 3, 2);
        http = new Http(cluster.base());
    }

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    /** A fresh key whose replicas include (or avoid) volume {@code v}. */
    String keyOn(int v, boolean on, String prefix, int from) {
        for (int i = from; ; i++) {
            String k = prefix + i;
            boolean placed = cluster.placement(k).stream().anyMatch(r -> r.volume().equals(cluster.volume(v)));
            if (placed == on) return k;
        }
    }

    @Test
    void a_stopped_volume_leaves_every_key_readable_from_the_other_replica() {
        start();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String k = "/survive/" + i;
            assertThat(http.put(k, "value " + i).statusCode()).isEqualTo(201);
            keys.add(k);
        }
        cluster.stopVolume(0);
        String dead = ":" + cluster.volumePorts.get(0) + "/";
        // Once the checker has marked the volume down, no redirect points at it.
        Ports.await("reads to avoid the stopped volume", Duration.ofSeconds(10),
                () -> keys.stream().noneMatch(k -> http.get(k).headers().firstValue("Location").orElse("").contains(dead)));
        for (int i = 0; i < keys.size(); i++) {
            HttpResponse<byte[]> r = http.read(keys.get(i));
            assertThat(r.statusCode()).as(keys.get(i)).isEqualTo(200);
            assertThat(text(r)).isEqualTo("value " + i);
        }
    }

    @Test
    void a_put_placed_on_a_dead_volume_answers_503_and_leaves_no_file_anywhere() {
        start();
        int filesBefore = cluster.filesOnVolumes().size();
        cluster.stopVolume(1);
        // Until the checker notices, a PUT fails at the volume and is rolled back (502);
        // after, it is refused up front (503). Neither may leave a file or a key.
        List<String> tried = new ArrayList<>();
        int[] next = {0};
        Ports.await("a PUT on the dead volume to answer 503", Duration.ofSeconds(10), () -> {
            String k = keyOn(1, true, "/dead/", next[0]);
            next[0] = Integer.parseInt(k.substring("/dead/".length())) + 1;
            tried.add(k);
            int code = http.put(k, "never stored").statusCode();
            assertThat(code).as("PUT " + k).isIn(502, 503);
            return code == 503;
        });
        HttpResponse<byte[]> refused = http.put(keyOn(1, true, "/dead/", next[0]), "never stored");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(text(refused)).contains("down").contains(cluster.volume(1).toString());
        for (String k : tried) {
            assertThat(http.get(k).statusCode()).as(k).isEqualTo(404);
            assertThat(cluster.hasFiles(k)).as("files of " + k).isFalse();
        }
        assertThat(cluster.filesOnVolumes()).hasSize(filesBefore);
        // Keys placed elsewhere are still writable.
        assertThat(http.put(keyOn(1, false, "/alive/", 0), "fine").statusCode()).isEqualTo(201);
    }

    @Test
    void delete_with_a_replica_volume_down_fails_clearly_and_succeeds_once_it_is_back() {
        start();
        String k = keyOn(2, true, "/del/", 0);
        assertThat(http.put(k, "keep me until asked").statusCode()).isEqualTo(201);
        cluster.stopVolume(2);
        // Until the health checker has seen the volume go, a DELETE may still reach it: that one stands
        // (202, finished by recovery; FaultMatrixIT). Wait until a PUT placed there is refused up front.
        // (A fresh probe key each time: a PUT that reached the dead volume leaves its key busy until recovery.)
        int[] next = {0};
        Ports.await("the checker to see the volume down", Duration.ofSeconds(10), () -> {
            String probe = keyOn(2, true, "/del-probe/", next[0]);
            next[0] = Integer.parseInt(probe.substring("/del-probe/".length())) + 1;
            return http.put(probe, "x").statusCode() == 503;
        });
        HttpResponse<byte[]> refused = http.delete(k);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(text(refused)).contains("down").contains(cluster.volume(2).toString());
        // Nothing was changed: the value is still readable from its other replica.
        assertThat(text(http.read(k))).isEqualTo("keep me until asked");

        cluster.startVolume(2);
        Ports.await("the DELETE to succeed once the volume is back", Duration.ofSeconds(10), () -> {
            int code = http.delete(k).statusCode();
            assertThat(code).isIn(204, 503);
            return code == 204;
        });
        assertThat(http.get(k).statusCode()).isEqualTo(404);
        // The blobs are gone with the 204; the sidecars go right after it (GUARANTEES.md, "What 204 promises").
        Ports.await("the deleted key's sidecars to go after the answer", Duration.ofSeconds(10), () -> !cluster.hasFiles(k));
    }

    @Test
    void a_volume_restarted_comes_back_into_use() {
        start();
        cluster.stopVolume(0);
        String k = keyOn(0, true, "/back/", 0);
        Ports.await("a PUT on the stopped volume to be refused", Duration.ofSeconds(10), () -> http.put(k, "x").statusCode() == 503);
        cluster.startVolume(0);
        Ports.await("the PUT to succeed once the volume is up", Duration.ofSeconds(10), () -> http.put(k, "x").statusCode() == 201);
        assertThat(text(http.read(k))).isEqualTo("x");
        List<Replica> placed = cluster.placement(k);
        assertThat(placed).anyMatch(r -> r.volume().equals(cluster.volume(0)));
    }
}
