package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mkv backup} on real processes: a copy taken while a coordinator takes PUTs, restored in
 * place of the index, then {@code mkv verify --repair}: every PUT that was acknowledged, before
 * or after the copy, reads back.
 */
class BackupIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    private static String cluster(Path db) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db); var s = c.createStatement();
             var rs = s.executeQuery("SELECT value FROM meta WHERE name = 'cluster'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void a_backup_taken_under_writes_restores_and_verify_repair_brings_back_every_acknowledged_key() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        Http http = new Http(cluster.base());
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger next = new AtomicInteger();
        List<Thread> writers = java.util.stream.IntStream.range(0, 4).mapToObj(w -> Thread.ofPlatform().start(() -> {
            while (writing.get()) {
                String key = "/load/" + next.getAndIncrement();
                if (http.put(key, "value " + key).statusCode() == 201) acknowledged.add(key);
            }
        })).toList();
        try {
            Ports.await("200 acknowledged PUTs", DEADLINE, () -> acknowledged.size() >= 200);
            Path backup = dir.resolve("backups/index-copy.db");
            Files.createDirectories(backup.getParent());
            Cluster.Run copy = cluster.mkv(DEADLINE, "backup", "--db", cluster.db().toString(), "--to", backup.toString());
            assertThat(copy.exit()).as(copy.output()).isZero();
            assertThat(copy.output()).contains("copied to " + backup);
            int atCopy = acknowledged.size();
            Ports.await("200 more acknowledged PUTs after the copy", DEADLINE, () -> acknowledged.size() >= atCopy + 200);

            // A second copy to the same file is refused and leaves the first as it was; --force replaces it.
            byte[] first = Files.readAllBytes(backup);
            Cluster.Run again = cluster.mkv(DEADLINE, "backup", "--db", cluster.db().toString(), "--to", backup.toString());
            assertThat(again.exit()).as(again.output()).isEqualTo(2);
            assertThat(again.output()).contains("exists").contains("--force");
            assertThat(Files.readAllBytes(backup)).isEqualTo(first);
            Path forced = dir.resolve("backups/forced.db");
            Files.writeString(forced, "not an index");
            Cluster.Run force = cluster.mkv(DEADLINE, "backup", "--db", cluster.db().toString(), "--to", forced.toString(), "--force");
            assertThat(force.exit()).as(force.output()).isZero();
            assertThat(cluster(forced)).isNotNull();
        } finally {
            writing.set(false);
            for (Thread t : writers) t.join(DEADLINE.toMillis());
        }
        String id = cluster(cluster.db());
        cluster.stopCoordinator();
        assertThat(cluster(dir.resolve("backups/index-copy.db"))).as("the copy keeps the cluster id").isEqualTo(id);

        // The restore docs/OPERATIONS.md describes: the copy in place of the index, its WAL files gone.
        Files.copy(dir.resolve("backups/index-copy.db"), cluster.db(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(Path.of(cluster.db() + "-wal"));
        Files.deleteIfExists(Path.of(cluster.db() + "-shm"));
        // First a look: the keys written since the copy are whole values no entry names, and nothing else is amiss.
        Cluster.Run look = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(), "--grace", "0s");
        assertThat(look.exit()).as(look.output()).isEqualTo(1);
        List<String> orphans = look.output().lines().filter(l -> l.startsWith("orphan:")).toList();
        assertThat(orphans).isNotEmpty().allSatisfy(l -> assertThat(l).contains("is a whole LIVE value"));
        // More of them than verify's allowance (1 % of the entries, at least 100): --force, which adopts and never deletes a whole value.
        Cluster.Run repair = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(),
                "--grace", "0s", "--repair", "--force");
        assertThat(repair.exit()).as(repair.output()).isZero();
        assertThat(repair.output()).doesNotContain("stale WRITING").containsPattern("[\\d,]+ whole values? no entry names; repaired [\\d,]+, left 0");

        cluster.startCoordinator();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(400);
        for (String key : acknowledged) {
            assertThat(Http.text(http.read(key))).as(key + " after: " + look.output().lines().filter(l -> l.contains(key + ")") || l.contains(key + " "))
                    .toList() + repair.output().lines().filter(l -> l.contains(key) || l.startsWith("mkv verify") || l.startsWith("repair")).toList())
                    .isEqualTo("value " + key);
        }
    }

    @Test
    void backup_refuses_bad_usage_with_exit_2_and_writes_nothing() throws Exception {
        cluster = Cluster.start(dir, 1, 1);
        Cluster.Run missing = cluster.mkv(DEADLINE, "backup", "--db", dir.resolve("nothing.db").toString(), "--to", dir.resolve("x.db").toString());
        assertThat(missing.exit()).as(missing.output()).isEqualTo(2);
        assertThat(missing.output()).contains("no index at");
        Cluster.Run itself = cluster.mkv(DEADLINE, "backup", "--db", cluster.db().toString(), "--to", cluster.db().toString(), "--force");
        assertThat(itself.exit()).as(itself.output()).isEqualTo(2);
        Cluster.Run noTo = cluster.mkv(DEADLINE, "backup", "--db", cluster.db().toString());
        assertThat(noTo.exit()).as(noTo.output()).isEqualTo(2);
        assertThat(dir.resolve("x.db")).doesNotExist();
    }
}
