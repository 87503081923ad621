package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mkv.adapter.nginx.MarkJson;
import mkv.adapter.nginx.SidecarJson;
import mkv.domain.BlobPath;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster's identity, on real processes: no command takes a new, empty or foreign index as
 * the truth about volumes that hold data, and no volume of another cluster is acted on.
 */
class ClusterIdentityIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    Cluster cluster;
    Cluster stranger;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
        if (stranger != null) stranger.close();
    }

    private List<String> putKeys(String prefix, int n) {
        Http http = new Http(cluster.base());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            assertThat(http.put(prefix + i, "value " + prefix + i).statusCode()).isEqualTo(201);
            keys.add(prefix + i);
        }
        return keys;
    }

    private List<String> files() {
        return cluster.filesOnVolumes().stream().map(Path::toString).sorted().toList();
    }

    private Cluster.Run server(Path db, String... more) {
        List<String> args = new ArrayList<>(List.of("server", "--db", db.toString(), "--volumes", cluster.volumeList(),
                "--replicas", Integer.toString(cluster.replicas), "--host", "127.0.0.1", "--port", Integer.toString(Ports.free()),
                "--admin-port", "0"));
        args.addAll(List.of(more));
        return cluster.mkv(DEADLINE, args.toArray(String[]::new));
    }

    @Test
    void a_server_on_a_new_or_empty_index_over_volumes_with_data_refuses_changes_nothing_and_points_to_rebuild() throws IOException {
        cluster = Cluster.start(dir, 3, 2);
        List<String> keys = putKeys("/data/", 30);
        cluster.stopCoordinator();
        List<String> before = files();

        Path missing = dir.resolve("missing.db");
        Path empty = Files.createFile(dir.resolve("empty.db"));
        for (Path db : List.of(missing, empty)) {
            Cluster.Run refused = server(db);
            assertThat(refused.exit()).as(refused.output()).isEqualTo(2);
            assertThat(refused.output()).contains("is new or empty").contains("belongs to cluster").contains("mkv rebuild");
        }
        assertThat(missing).doesNotExist();
        assertThat(Files.size(empty)).isZero();
        assertThat(files()).isEqualTo(before);

        // Volumes written before identities had no marker: their blobs alone refuse the start.
        for (int i = 0; i < 3; i++) Files.delete(cluster.volumeData(i).resolve(MarkJson.PATH.substring(1)));
        Cluster.Run legacy = server(missing);
        assertThat(legacy.exit()).as(legacy.output()).isEqualTo(2);
        assertThat(legacy.output()).contains("holds blobs or sidecars");

        // The cure the message names: rebuild, then serve the rebuilt index.
        Cluster.Run rebuild = cluster.mkv(DEADLINE, "rebuild", "--volumes", cluster.volumeList(), "--db", cluster.db().resolveSibling("rebuilt.db").toString());
        assertThat(rebuild.exit()).as(rebuild.output()).isZero();
        Files.delete(cluster.db());
        Files.deleteIfExists(Path.of(cluster.db() + "-wal"));
        Files.deleteIfExists(Path.of(cluster.db() + "-shm"));
        Files.move(cluster.db().resolveSibling("rebuilt.db"), cluster.db());
        cluster.startCoordinator();
        Http http = new Http(cluster.base());
        for (String key : keys) assertThat(Http.text(http.read(key))).isEqualTo("value " + key);
        assertThat(cluster.volumeData(0).resolve(MarkJson.PATH.substring(1))).as("stamped again at start").exists();
    }

    @Test
    void verify_repair_against_an_empty_or_foreign_index_refuses_and_deletes_nothing() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        putKeys("/kept/", 60);
        List<String> before = files();

        // The review's reproduction: an empty file as the index.
        Path empty = Files.createFile(dir.resolve("empty.db"));
        Cluster.Run foreign = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", empty.toString(),
                "--grace", "1s", "--repair");
        assertThat(foreign.exit()).as(foreign.output()).isEqualTo(2);
        assertThat(foreign.output()).contains("no cluster id").contains("belong to cluster");

        // The cluster's own id, but no entries: still refused, unless --force.
        cluster.stopCoordinator();
        Path emptied = dir.resolve("emptied.db");
        Files.copy(cluster.db(), emptied);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + emptied); var s = c.createStatement()) {
            s.execute("DELETE FROM entries");
        }
        Cluster.Run noEntries = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", emptied.toString(),
                "--grace", "1s", "--repair");
        assertThat(noEntries.exit()).as(noEntries.output()).isEqualTo(2);
        assertThat(noEntries.output()).contains("holds no entries").contains("mkv rebuild");
        assertThat(files()).isEqualTo(before);
    }

    @Test
    void a_volume_of_another_cluster_is_refused_by_server_verify_rebalance_and_rebuild() throws Exception {
        cluster = Cluster.start(dir.resolve("a"), 2, 1);
        putKeys("/a/", 5);
        // The same secret, as two clusters of one operator may share it: the cluster id, not the
        // secret, must tell them apart (with another secret its volume would only answer 403).
        java.nio.file.Files.createDirectories(dir.resolve("b"));
        java.nio.file.Files.copy(cluster.secretFile(), dir.resolve("b").resolve("secret"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        stranger = Cluster.start(dir.resolve("b"), 1, 1);
        assertThat(new Http(stranger.base()).put("/b/0", "theirs").statusCode()).isEqualTo(201);
        String mixed = cluster.volumeList() + "," + stranger.volumeList();
        cluster.stopCoordinator();

        Cluster.Run server = cluster.mkv(DEADLINE, "server", "--db", cluster.db().toString(), "--volumes", mixed, "--replicas", "1",
                "--host", "127.0.0.1", "--port", Integer.toString(Ports.free()), "--admin-port", "0");
        Cluster.Run verify = cluster.mkv(DEADLINE, "verify", "--volumes", mixed, "--db", cluster.db().toString(), "--repair", "--grace", "0s");
        Cluster.Run rebalance = cluster.mkv(DEADLINE, "rebalance", "--volumes", mixed, "--db", cluster.db().toString(), "--replicas", "1");
        Cluster.Run rebuild = cluster.mkv(DEADLINE, "rebuild", "--volumes", mixed, "--db", dir.resolve("mixed.db").toString());
        for (Cluster.Run run : List.of(server, verify, rebalance)) {
            assertThat(run.exit()).as(run.output()).isEqualTo(2);
            assertThat(run.output()).contains(stranger.volume(0) + " belongs to cluster").doesNotContain("Exception");
        }
        assertThat(rebuild.exit()).as(rebuild.output()).isEqualTo(2);
        assertThat(rebuild.output()).contains("the volumes belong to different clusters").contains(stranger.volume(0) + " is ");
        assertThat(Http.text(new Http(stranger.base()).read("/b/0"))).isEqualTo("theirs");
        cluster.startCoordinator();
        assertThat(Http.text(new Http(cluster.base()).read("/a/0"))).isEqualTo("value /a/0");
    }

    @Test
    void verify_repair_after_restoring_an_older_index_adopts_the_newer_values_and_deletes_nothing() throws IOException {
        cluster = Cluster.start(dir, 3, 2);
        List<String> old = putKeys("/old/", 10);
        cluster.stopCoordinator();
        Path backup = dir.resolve("backup.db");
        Files.copy(cluster.db(), backup);
        cluster.startCoordinator();
        List<String> newer = putKeys("/new/", 10);
        Http http = new Http(cluster.base());
        assertThat(http.unlink("/new/9").statusCode()).isEqualTo(204);
        cluster.stopCoordinator();
        List<String> before = files();

        // The operator restores yesterday's index.
        Files.copy(backup, cluster.db(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(Path.of(cluster.db() + "-wal"));
        Files.deleteIfExists(Path.of(cluster.db() + "-shm"));

        Cluster.Run look = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(), "--grace", "0s");
        assertThat(look.exit()).as(look.output()).isEqualTo(1);
        assertThat(look.output()).contains("(key /new/0) is a whole LIVE value").contains("(key /new/9) is a whole UNLINKED value");
        Cluster.Run repair = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(),
                "--grace", "0s", "--deep", "--repair");
        assertThat(repair.exit()).as(repair.output()).isZero();
        assertThat(repair.output()).contains("adopt /new/0");
        assertThat(files()).isEqualTo(before);

        cluster.startCoordinator();
        for (String key : old) assertThat(Http.text(http.read(key))).isEqualTo("value " + key);
        for (String key : newer.subList(0, 9)) cluster.assertEveryReplicaHolds(key);
        assertThat(http.get("/new/9").statusCode()).isEqualTo(404);
        assertThat(new String(http.get("/new/?unlinked").body(), java.nio.charset.StandardCharsets.UTF_8)).contains("/new/9");
        Cluster.Run clean = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(),
                "--grace", "0s", "--deep");
        assertThat(clean.exit()).as(clean.output()).isZero();
    }

    @Test
    void verify_repair_deletes_no_orphan_when_they_are_more_than_the_allowance_unless_forced() throws IOException {
        cluster = Cluster.start(dir, 1, 1);
        putKeys("/real/", 5);
        // 120 sidecars of keys no entry names, without their blobs: deletable orphans, and many.
        List<Path> planted = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            Key key = new Key("/planted/" + i);
            Replica at = cluster.ring().replicasFor(key, 1).head();
            Path sidecar = cluster.volumeData(0).resolve(BlobPath.of(key, at).sidecarPath().substring(1));
            Files.createDirectories(sidecar.getParent());
            Files.write(sidecar, SidecarJson.encode(Entry.live(key, io.vavr.collection.List.of(at), 3, new Md5("0".repeat(32)), 0,
                    Instant.now()).sidecar()));
            planted.add(sidecar);
        }
        Cluster.Run refused = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(),
                "--grace", "0s", "--repair");
        assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("repair refused for orphans: 120 found, more than the 100");
        assertThat(planted).allMatch(Files::exists);

        Cluster.Run forced = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(),
                "--grace", "0s", "--repair", "--force");
        assertThat(forced.exit()).as(forced.output()).isZero();
        assertThat(planted).noneMatch(Files::exists);
        try (Stream<Path> left = Files.walk(cluster.volumeData(0))) {
            assertThat(left.filter(p -> p.toString().endsWith(".key")).count()).isEqualTo(5);
        }
    }
}
