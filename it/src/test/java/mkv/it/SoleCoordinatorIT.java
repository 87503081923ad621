package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import mkv.adapter.nginx.MarkJson;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.BlobPath;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One coordinator per index, on real processes: a second one is refused before it changes
 * anything (its start-up recovery would settle the first one's writes in flight as crashed);
 * the lock dies with its holder, kill -9 included; a start whose port is taken changes nothing.
 */
class SoleCoordinatorIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void a_second_coordinator_on_the_same_index_exits_2_naming_the_first_and_no_acknowledged_write_is_lost() throws Exception {
        cluster = Cluster.start(dir, 2, 2);
        Http http = new Http(cluster.base());
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().start(() -> {
            for (int i = 0; writing.get() && i < 5_000; i++) {
                String key = "/sole/" + i;
                if (http.put(key, "value " + i).statusCode() == 201) acknowledged.add(key);
            }
        });
        try {
            // The same command again (same port, same index), then one on another port.
            Cluster.Run same = cluster.mkv(DEADLINE, "server", "--db", cluster.db().toString(), "--volumes", cluster.volumeList(),
                    "--replicas", "2", "--host", "127.0.0.1", "--port", Integer.toString(cluster.port),
                    "--admin-port", Integer.toString(cluster.adminPort));
            Cluster.Run other = cluster.mkv(DEADLINE, "server", "--db", cluster.db().toString(), "--volumes", cluster.volumeList(),
                    "--replicas", "2", "--host", "127.0.0.1", "--port", Integer.toString(Ports.free()), "--admin-port", "0");
            for (Cluster.Run second : List.of(same, other)) {
                assertThat(second.exit()).as(second.output()).isEqualTo(2);
                assertThat(second.output()).contains("is in use by another process")
                        .contains("pid " + cluster.coordinatorPid())
                        .contains("127.0.0.1:" + cluster.port)
                        .doesNotContain("recovery");
            }
        } finally {
            writing.set(false);
            load.join(Duration.ofSeconds(60).toMillis());
        }
        assertThat(acknowledged).isNotEmpty();
        for (String key : acknowledged) cluster.assertEveryReplicaHolds(key);
    }

    @Test
    void after_kill_9_the_lock_is_free_and_the_next_coordinator_starts_at_once() {
        cluster = Cluster.start(dir, 1, 1);
        assertThat(new Http(cluster.base()).put("/before-kill", "kept").statusCode()).isEqualTo(201);
        cluster.killCoordinator();
        cluster.startCoordinator();
        assertThat(Http.text(new Http(cluster.base()).read("/before-kill"))).isEqualTo("kept");
    }

    @Test
    void a_coordinator_whose_port_is_taken_exits_2_and_settles_nothing() throws Exception {
        cluster = Cluster.start(dir, 1, 1);
        // A second index of the same cluster, with a WRITING row and the blob its write left:
        // exactly what a start-up recovery would delete.
        Path marker = cluster.volumeData(0).resolve(MarkJson.PATH.substring(1));
        Ports.await("the coordinator to stamp its volume", Duration.ofSeconds(20), () -> Files.exists(marker));
        String cluster1 = MarkJson.decode(Files.readAllBytes(marker)).get().value();
        Path db2 = dir.resolve("second.db");
        Key key = new Key("/in-flight");
        Replica at = cluster.ring().replicasFor(key, 1).head();
        Entry writing = Entry.writing(key, io.vavr.collection.List.of(at), 0, Instant.now().minusSeconds(3600));
        try (SqliteIndex index = SqliteIndex.open(db2)) {
            assertThat(index.claim(new mkv.domain.ClusterId(cluster1))).isTrue();
            assertThat(index.reserve(Option.none(), writing)).isTrue();
        }
        Path blob = cluster.volumeData(0).resolve(BlobPath.of(key, at).path().substring(1));
        Files.createDirectories(blob.getParent());
        Files.writeString(blob, "half a write");

        Cluster.Run taken = cluster.mkv(DEADLINE, "server", "--db", db2.toString(), "--volumes", cluster.volumeList(),
                "--replicas", "1", "--host", "127.0.0.1", "--port", Integer.toString(cluster.port), "--admin-port", "0");

        assertThat(taken.exit()).as(taken.output()).isEqualTo(2);
        assertThat(taken.output()).contains("cannot listen on 127.0.0.1:" + cluster.port);
        assertThat(blob).exists();
        try (SqliteIndex index = SqliteIndex.open(db2)) {
            assertThat(index.get(key)).isEqualTo(Option.some(writing));
        }
        assertThat(Files.readString(Path.of(cluster.db() + ".lock"))).contains("pid " + cluster.coordinatorPid());
    }
}
