package mkv.it;

import static mkv.it.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vavr.collection.Array;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import mkv.adapter.sqlite.IndexDamage;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Ring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged index file, on a real coordinator process: refused at start-up by the server and
 * the admin tools, and damage that appears while it runs fails the requests that meet it,
 * turns /readyz 503 and is counted — a listing never answers 200 as if it were complete.
 */
class DamagedIndexIT {
    private static final int KEYS = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static String key(int i) {
        return String.format("/dmg/%06d", i);
    }

    /** Writes KEYS live entries, placed as the coordinator places them, into the stopped coordinator's index. */
    private static void fill(Cluster cluster) {
        Ring ring = cluster.ring();
        Md5 md5 = new Md5("00112233445566778899aabbccddeeff");
        Instant now = Instant.now();
        try (SqliteIndex index = SqliteIndex.open(cluster.db())) {
            index.putAll(Array.range(0, KEYS).map(i -> {
                Key k = new Key(key(i));
                return Entry.live(k, ring.replicasFor(k, cluster.replicas), 1024, md5, 0, now);
            }));
        }
        // No free pages left holding stale copies of a key: the damage below must hit the live row, once.
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + cluster.db()); var s = c.createStatement()) {
            s.execute("VACUUM");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Lists /dmg/ page by page until a page is not a 200, which must be a 500: a 200 whose
     * {@code next} is empty would claim the listing complete. Returns the failed page.
     */
    private static HttpResponse<byte[]> listUntilItFails(Http http, List<String> listed) throws IOException {
        String start = "";
        while (true) {
            HttpResponse<byte[]> page = http.get("/dmg/?list&limit=1000" + (start.isEmpty() ? "" : "&start=" + Http.enc(start)));
            if (page.statusCode() != 200) {
                assertThat(page.statusCode()).as(text(page)).isEqualTo(500);
                return page;
            }
            json(page).get("keys").forEach(k -> listed.add(k.asText()));
            start = json(page).get("next").asText();
            assertThat(start.isEmpty()).as("a 200 that ends the listing after %d of %d keys", listed.size(), KEYS).isFalse();
        }
    }

    /** The index file and whatever lies beside it (-wal, -shm, .lock), by name. */
    private static List<String> indexFiles(Cluster cluster) throws IOException {
        try (var files = Files.list(cluster.db().getParent())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(cluster.db().getFileName().toString())).sorted().toList();
        }
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void a_damaged_index_is_refused_by_the_server_and_the_admin_tools_with_the_rebuild_named() throws IOException {
        try (Cluster cluster = Cluster.start(dir, 3, 2)) {
            cluster.stopCoordinator();
            fill(cluster);
            IndexDamage.garblePages(cluster.db(), 8);
            byte[] before = Files.readAllBytes(cluster.db());
            List<String> filesBefore = indexFiles(cluster);
            String db = cluster.db().toString();

            Cluster.Run server = cluster.mkv(Duration.ofSeconds(120), "server", "--db", db, "--volumes", cluster.volumeList(),
                    "--replicas", "2", "--host", "127.0.0.1", "--port", Integer.toString(Ports.free()),
                    "--admin-port", Integer.toString(Ports.free()));
            assertThat(server.exit()).as(server.output()).isEqualTo(1);
            assertThat(server.output()).contains("mkv server: the index " + db + " is damaged")
                    .contains("mkv rebuild --volumes").contains("--db " + db)
                    .doesNotContain("listening").doesNotContain("\tat ");

            for (String tool : List.of("verify", "rebalance")) {
                Cluster.Run run = cluster.mkv(Duration.ofSeconds(120), tool, "--db", db, "--volumes", cluster.volumeList());
                assertThat(run.exit()).as(tool + ": " + run.output()).isEqualTo(1);
                assertThat(run.output()).as(tool).contains("mkv " + tool + ": the index " + db + " is damaged").contains("mkv rebuild");
            }
            assertThat(Files.readAllBytes(cluster.db())).as("nothing wrote to the refused file").isEqualTo(before);
            assertThat(indexFiles(cluster)).as("no lock or log file left beside it").isEqualTo(filesBefore);

            // With the check turned off the same file is served, and the damage is met at run time.
            int port = Ports.free();
            Cluster.Started unchecked = cluster.startMkv("server", "--db", db, "--volumes", cluster.volumeList(), "--replicas", "2",
                    "--host", "127.0.0.1", "--port", Integer.toString(port), "--admin-port", "0", "--index-check", "false");
            try {
                Ports.await("the unchecked coordinator", Duration.ofSeconds(60), () -> {
                    if (!unchecked.process().isAlive()) throw new AssertionError("it exited: " + unchecked.output());
                    return Ports.open(port);
                });
                var failed = listUntilItFails(new Http("http://127.0.0.1:" + port), new ArrayList<>());
                assertThat(text(failed)).contains("the index is damaged");
            } finally {
                unchecked.kill();
            }
        }
    }

    @Test
    void damage_met_while_running_answers_5xx_turns_readyz_503_and_is_counted() throws IOException {
        try (Cluster cluster = Cluster.start(dir, 3, 2)) {
            cluster.stopCoordinator();
            fill(cluster);
            cluster.startCoordinator(); // the start-up check passes: the file is sound
            Http http = new Http(cluster.base());
            Http admin = new Http(cluster.adminBase());
            assertThat(http.get(key(0)).statusCode()).isEqualTo(302);
            Ports.await("readyz 200", Duration.ofSeconds(30), () -> admin.get("/readyz").statusCode() == 200);
            assertThat(OpsIT.metric(admin, "mkv_index_corruption_total")).isZero();

            // Damage under a running coordinator: its readers have read only the first leaf and
            // the pages above it, so every leaf further on is read afresh from the file. A key a
            // quarter of the way in now sorts past the prefix (what once ended a listing there
            // with a 200), and pages in the middle are garbage.
            assertThat(IndexDamage.garbleKeyToSortHigh(cluster.db(), key(KEYS / 4).getBytes(StandardCharsets.UTF_8))).isEqualTo(1);
            IndexDamage.garblePages(cluster.db(), 8);

            // 1. A listing fails with 500 where it meets the damage; no page before it claims the end.
            List<String> listed = new ArrayList<>();
            HttpResponse<byte[]> page = listUntilItFails(http, listed);
            assertThat(text(page)).contains("the index is damaged");
            assertThat(listed.size()).isLessThan(KEYS / 4 + 1000);

            // 2. GETs: a key on a garbage page answers 500, every other key its redirect; none is
            // 404. (Not near the renamed key: in its page the lookup is misled and can miss keys,
            // which only the start-up check sees.)
            int failed = 1; // the listing's
            for (int i = KEYS / 3; i < KEYS; i += 20) {
                int status = http.get(key(i)).statusCode();
                assertThat(status).as(key(i)).isIn(302, 500);
                if (status == 500) failed++;
            }
            assertThat(failed).as("GETs that met the damage").isGreaterThan(1);

            // 3. Not ready until a restart, and every failure counted.
            var ready = admin.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(text(ready)).contains("damaged").contains("mkv rebuild");
            assertThat(OpsIT.metric(admin, "mkv_index_corruption_total")).isGreaterThanOrEqualTo(failed);
            assertThat(http.get(key(0)).statusCode()).as("a sound key still answers").isEqualTo(302);
            assertThat(admin.get("/readyz").statusCode()).as("still not ready").isEqualTo(503);
        }
    }
}
