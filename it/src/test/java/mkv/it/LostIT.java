package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mkv.domain.BlobPath;
import mkv.domain.Key;
import mkv.domain.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lost values on real processes: every replica of a key destroyed on the nginx volumes, then
 * {@code mkv verify --repair} marks it LOST; what clients and operators see then, and how it
 * ends (a replica restored by hand, a DELETE, a new PUT). And {@code ?writing} beside a stalled PUT.
 */
class LostIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    /** The blob (or sidecar) file of a key's current generation on one replica, in the volume's data folder. */
    private Path file(Replica r, String key, long generation, boolean sidecar) {
        int v = cluster.volumePorts.indexOf(r.volume().port());
        BlobPath p = BlobPath.of(new Key(key), generation, r);
        return cluster.volumeData(v).resolve((sidecar ? p.sidecarPath() : p.path()).substring(1));
    }

    /** Moves every file of the key into {@code aside} (blob and sidecar of each replica), as a lost disk would take them. */
    private List<Path[]> destroy(String key, Path aside) throws IOException {
        List<Path[]> moved = new ArrayList<>();
        Files.createDirectories(aside);
        long generation = cluster.generation(key);
        for (Replica r : cluster.placement(key)) {
            for (boolean sidecar : new boolean[] {false, true}) {
                Path f = file(r, key, generation, sidecar);
                Path kept = aside.resolve(r.volume().port() + "-" + f.getFileName());
                Files.move(f, kept);
                moved.add(new Path[] {f, kept});
            }
        }
        assertThat(cluster.hasFiles(key)).isFalse();
        return moved;
    }

    private Cluster.Run verifyRepair() {
        return cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(), "--repair");
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static List<String> keys(HttpResponse<byte[]> listing) throws IOException {
        List<String> out = new ArrayList<>();
        json(listing).get("keys").forEach(k -> out.add(k.asText()));
        return out;
    }

    @Test
    void a_key_with_every_replica_destroyed_answers_410_after_verify_repair_and_reads_again_once_a_replica_is_restored() throws IOException {
        cluster = Cluster.start(dir, 3, 2);
        Http http = new Http(cluster.base());
        Http admin = new Http(cluster.adminBase());
        assertThat(http.put("/lost/a", "the value that is lost").statusCode()).isEqualTo(201);
        assertThat(http.put("/lost/b", "a value that stays").statusCode()).isEqualTo(201);
        List<Path[]> moved = destroy("/lost/a", dir.resolve("aside"));

        Cluster.Run marked = verifyRepair();
        assertThat(marked.exit()).as(marked.output()).isEqualTo(1);
        assertThat(marked.output()).contains("lost: /lost/a has no good replica left", "marked LOST: /lost/a", "1 marked LOST");

        HttpResponse<byte[]> get = http.get("/lost/a");
        assertThat(get.statusCode()).isEqualTo(410);
        assertThat(json(get).get("key").asText()).isEqualTo("/lost/a");
        assertThat(json(get).get("error").asText()).contains("lost");
        HttpResponse<byte[]> head = http.head("/lost/a");
        assertThat(head.statusCode()).isEqualTo(410);
        assertThat(head.headers().firstValue("Content-Length")).contains("0");
        assertThat(head.body()).isEmpty();
        assertThat(keys(http.get("/lost/?lost"))).containsExactly("/lost/a");
        assertThat(keys(http.get("/lost/?list"))).containsExactly("/lost/b");
        assertThat(OpsIT.metric(admin, "mkv_index_lost_keys")).isEqualTo(1);
        assertThat(http.unlink("/lost/a").statusCode()).isEqualTo(410);
        assertThat(http.put("/lost/a", "new", "If-Match", "*").statusCode()).isEqualTo(412);
        assertThat(Http.text(http.read("/lost/b"))).isEqualTo("a value that stays");

        // The files come back (copied back from wherever they were saved): the next repair restores the key.
        for (Path[] m : moved) Files.copy(m[1], m[0], StandardCopyOption.COPY_ATTRIBUTES);
        Cluster.Run restored = verifyRepair();
        assertThat(restored.exit()).as(restored.output()).isEqualTo(0);
        assertThat(restored.output()).contains("reappeared: /lost/a", "restore /lost/a to LIVE");
        assertThat(Http.text(http.read("/lost/a"))).isEqualTo("the value that is lost");
        assertThat(keys(http.get("/lost/?lost"))).isEmpty();
        assertThat(OpsIT.metric(admin, "mkv_index_lost_keys")).isEqualTo(0);
    }

    @Test
    void a_lost_key_is_deleted_with_204_then_404_and_another_is_written_over_with_201() throws IOException {
        cluster = Cluster.start(dir, 3, 2);
        Http http = new Http(cluster.base());
        assertThat(http.put("/gone/deleted", "first").statusCode()).isEqualTo(201);
        assertThat(http.put("/gone/rewritten", "second").statusCode()).isEqualTo(201);
        destroy("/gone/deleted", dir.resolve("aside1"));
        destroy("/gone/rewritten", dir.resolve("aside2"));
        Cluster.Run marked = verifyRepair();
        assertThat(marked.output()).as(marked.output()).contains("2 marked LOST");
        assertThat(keys(http.get("/gone/?lost"))).containsExactly("/gone/deleted", "/gone/rewritten");

        assertThat(http.delete("/gone/deleted").statusCode()).isEqualTo(204);
        assertThat(http.get("/gone/deleted").statusCode()).isEqualTo(404);
        assertThat(http.delete("/gone/deleted").statusCode()).isEqualTo(404);

        assertThat(http.put("/gone/rewritten", "a new value").statusCode()).isEqualTo(201);
        assertThat(Http.text(http.read("/gone/rewritten"))).isEqualTo("a new value");
        assertThat(keys(http.get("/gone/?lost"))).isEmpty();
        assertThat(keys(http.get("/gone/?list"))).containsExactly("/gone/rewritten");
    }

    @Test
    void writing_lists_a_stalled_new_write_and_a_stalled_replace_with_their_age_until_they_end() throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--body-rate-window", "120s");
        Http http = new Http(cluster.base());
        assertThat(http.put("/w/replaced", "old value").statusCode()).isEqualTo(201);
        try (Socket write = stall("PUT /w/new HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n");
             Socket replace = stall("PUT /w/replaced HTTP/1.1\r\nHost: x\r\nIf-Match: *\r\nContent-Length: 100000\r\n\r\n")) {
            JsonNode[] seen = new JsonNode[1];
            // Both rows, the first one more than a second old: the age grows as the rows wait.
            Ports.await("?writing to list both stalled PUTs, aged", Duration.ofSeconds(60), () -> {
                try {
                    seen[0] = json(http.get("/w/?writing"));
                } catch (IOException e) {
                    return false;
                }
                return seen[0].get("writing").size() == 2 && seen[0].get("writing").get(0).get("age_seconds").asDouble() >= 1.0;
            });
            JsonNode rows = seen[0].get("writing");
            assertThat(rows.get(0).get("key").asText()).isEqualTo("/w/new");
            assertThat(rows.get(0).get("doing").asText()).isEqualTo("write");
            assertThat(rows.get(1).get("key").asText()).isEqualTo("/w/replaced");
            assertThat(rows.get(1).get("doing").asText()).isEqualTo("replace");
            assertThat(rows.get(1).get("replicas")).hasSize(2);
            assertThat(seen[0].get("next").asText()).isEmpty();
            // Paged like ?list.
            JsonNode first = json(http.get("/w/?writing&limit=1"));
            assertThat(first.get("writing")).hasSize(1);
            assertThat(first.get("next").asText()).isEqualTo("/w/replaced");
            assertThat(Http.text(http.read("/w/replaced"))).isEqualTo("old value");
        }
        // The clients went away: both writes are rolled back and leave the listing.
        Ports.await("the abandoned PUTs to leave ?writing", Duration.ofSeconds(60), () -> {
            try {
                return json(http.get("/w/?writing")).get("writing").isEmpty();
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(Http.text(http.read("/w/replaced"))).isEqualTo("old value");
        assertThat(http.get("/w/?writing&list").statusCode()).isEqualTo(400);
    }

    /** A PUT whose head and first bytes are sent, and then nothing: a client that stalls. */
    private Socket stall(String head) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", cluster.port), 2000);
        OutputStream out = s.getOutputStream();
        out.write((head + "0123456789").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return s;
    }
}
