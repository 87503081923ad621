package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import mkv.adapter.nginx.SidecarJson;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.BlobPath;
import mkv.domain.Entry;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mkv verify as a process: finds and mends damage made by hand on real nginx volumes. */
class VerifyIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    Path file(Replica r, String key, boolean sidecar) {
        int v = cluster.volumePorts.indexOf(r.volume().port());
        BlobPath p = BlobPath.of(new Key(key), cluster.generation(key), r);
        return cluster.volumeData(v).resolve((sidecar ? p.sidecarPath() : p.path()).substring(1));
    }

    Cluster.Run verify(String... flags) {
        String[] all = java.util.Arrays.copyOf(new String[] {"verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString()}, 5 + flags.length);
        System.arraycopy(flags, 0, all, 5, flags.length);
        return cluster.mkv(DEADLINE, all);
    }

    @Test
    void verify_finds_and_repairs_a_deleted_replica_a_corrupt_one_an_orphan_and_a_stale_write() throws IOException {
        cluster = Cluster.start(dir, 3, 2, "--recovery-grace", "1h");
        Http http = new Http(cluster.base());
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            values.put("/verify/" + i, "value number " + i);
            assertThat(http.put("/verify/" + i, "value number " + i).statusCode()).isEqualTo(201);
        }
        // 1. A replica file deleted, another corrupted in place (same size).
        Replica lostAt = cluster.placement("/verify/0").get(0);
        Files.delete(file(lostAt, "/verify/0", false));
        Replica corruptAt = cluster.placement("/verify/1").get(1);
        Files.writeString(file(corruptAt, "/verify/1", false), "VALUE NUMBER 1");
        // 2. An orphan: blob and sidecar of a key no entry names.
        Replica orphanAt = cluster.placement("/orphan").get(0);
        Files.createDirectories(file(orphanAt, "/orphan", false).getParent());
        Files.writeString(file(orphanAt, "/orphan", false), "left behind");
        Files.write(file(orphanAt, "/orphan", true), SidecarJson.encode(Entry.live(new Key("/orphan"), io.vavr.collection.List.of(orphanAt),
                11, new Md5("0".repeat(32)), 0, Instant.now()).sidecar()));
        // 3. A WRITING entry two hours old, with the blob its write left.
        Replica staleAt = cluster.placement("/stale").get(0);
        try (SqliteIndex index = SqliteIndex.open(cluster.db())) {
            assertThat(index.reserve(Option.none(), Entry.writing(new Key("/stale"), cluster.ring().replicasFor(new Key("/stale"), 2), 0,
                    Instant.now().minus(Duration.ofHours(2))))).isTrue();
        }
        Files.createDirectories(file(staleAt, "/stale", false).getParent());
        Files.writeString(file(staleAt, "/stale", false), "half a write");

        Cluster.Run plain = verify("--grace", "0s");
        assertThat(plain.exit()).as(plain.output()).isEqualTo(1);
        assertThat(plain.output()).contains("missing replica: /verify/0 on " + lostAt)
                .contains("under-replicated: /verify/0").contains("orphan: " + orphanAt.volume())
                .contains("stale WRITING entry: /stale").doesNotContain("corrupt replica");

        Cluster.Run deep = verify("--grace", "0s", "--deep");
        assertThat(deep.exit()).as(deep.output()).isEqualTo(1);
        assertThat(deep.output()).contains("corrupt replica: /verify/1 on " + corruptAt);

        Cluster.Run repair = verify("--grace", "0s", "--deep", "--repair");
        assertThat(repair.exit()).as(repair.output()).isZero();
        assertThat(repair.output()).contains("repaired:");

        Cluster.Run after = verify("--grace", "0s", "--deep");
        assertThat(after.exit()).as(after.output()).isZero();
        assertThat(after.output()).contains("findings: none");
        assertThat(Files.readString(file(corruptAt, "/verify/1", false), StandardCharsets.UTF_8)).isEqualTo("value number 1");
        assertThat(file(lostAt, "/verify/0", false)).exists();
        assertThat(file(orphanAt, "/orphan", false)).doesNotExist();
        assertThat(file(staleAt, "/stale", false)).doesNotExist();
        assertThat(http.get("/stale").statusCode()).isEqualTo(404);
        for (var kv : values.entrySet()) {
            var r = http.read(kv.getKey());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(Http.text(r)).isEqualTo(kv.getValue());
        }
    }

    @Test
    void verify_finds_and_deletes_temp_files_nginx_left_and_rebuild_ignores_them() throws IOException {
        cluster = Cluster.start(dir, 1, 1);
        Http http = new Http(cluster.base());
        assertThat(http.put("/kept", "a value that stays").statusCode()).isEqualTo(201);
        Replica at = cluster.placement("/kept").get(0);
        Path blob = file(at, "/kept", false);
        Path data = cluster.volumeData(0);
        String sv = BlobPath.subvolumeFolder(at.subvolume());
        // 1. What nginx leaves: copies that failed beside a blob and a sidecar (a temp folder on
        //    another filesystem, a full disk), uploads whose worker died, and a young upload that
        //    may still be running.
        Path copy = blob.resolveSibling(blob.getFileName() + ".0000000123");
        Path sidecarCopy = blob.resolveSibling(blob.getFileName() + ".key.0000000124");
        Path upload = data.resolve(sv.substring(1)).resolve(".tmp/0000000042");
        Path rootUpload = data.resolve(".tmp/0000000007");
        Path young = data.resolve(sv.substring(1)).resolve(".tmp/0000000043");
        Files.createDirectories(upload.getParent());
        for (Path p : java.util.List.of(copy, sidecarCopy, upload, rootUpload, young)) Files.writeString(p, "partial");
        for (Path p : java.util.List.of(copy, sidecarCopy, upload, rootUpload)) {
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        }
        String volume = cluster.volume(0).toString();

        Cluster.Run plain = verify("--grace", "1h");
        assertThat(plain.exit()).as(plain.output()).isEqualTo(1);
        assertThat(plain.output()).contains(
                "temp file left: " + volume + sv + blob.getParent().getParent().getFileName() + "/" + blob.getParent().getFileName()
                        + "/" + copy.getFileName() + " (7 bytes)",
                "temp file left: " + volume + sv + ".tmp/0000000042",
                "temp file left: " + volume + "/.tmp/0000000007",
                sidecarCopy.getFileName().toString())
                .doesNotContain("0000000043").doesNotContain("orphan");

        Cluster.Run rebuild = cluster.mkv(DEADLINE, "rebuild", "--volumes", cluster.volumeList(), "--db", dir.resolve("rebuilt.db").toString());
        assertThat(rebuild.exit()).as(rebuild.output()).isZero();
        assertThat(rebuild.output()).doesNotContain("0000000123").doesNotContain("0000000042");
        try (SqliteIndex rebuilt = SqliteIndex.open(dir.resolve("rebuilt.db"))) {
            assertThat(rebuilt.scan(Option.none(), 10).map(Entry::key)).containsExactly(new Key("/kept"));
        }

        Cluster.Run repair = verify("--grace", "1h", "--repair");
        assertThat(repair.exit()).as(repair.output()).isZero();
        assertThat(copy).doesNotExist();
        assertThat(sidecarCopy).doesNotExist();
        assertThat(upload).doesNotExist();
        assertThat(rootUpload).doesNotExist();
        assertThat(young).as("younger than the grace period: maybe an upload in progress").exists();
        assertThat(blob).exists();
        assertThat(Http.text(http.read("/kept"))).isEqualTo("a value that stays");
        Cluster.Run after = verify("--grace", "1h");
        assertThat(after.exit()).as(after.output()).isZero();
        assertThat(after.output()).contains("findings: none");
    }

    @Test
    void verify_without_an_index_or_with_a_bad_volume_is_a_usage_error() {
        cluster = Cluster.start(dir, 1, 1);
        Cluster.Run noDb = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", dir.resolve("none.db").toString());
        assertThat(noDb.exit()).isEqualTo(2);
        assertThat(noDb.output()).contains("no index at");
        Cluster.Run badVolume = cluster.mkv(DEADLINE, "rebalance", "--volumes", "nohost", "--db", cluster.db().toString());
        assertThat(badVolume.exit()).isEqualTo(2);
        assertThat(badVolume.output()).contains("'nohost' is not host:port");
        Cluster.Run missingDb = cluster.mkv(DEADLINE, "rebalance", "--volumes", cluster.volumeList());
        assertThat(missingDb.exit()).isEqualTo(2);
        assertThat(missingDb.output()).contains("--db");
    }
}
