package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes and faults: kill -9 of the coordinator, a volume killed or hung mid-PUT, a client
 * that vanishes mid-body. After each, every acknowledged write reads back, no live key
 * lacks a replica, and once recovery has run no file is left that no entry names.
 */
class CrashIT {
    @TempDir
    Path dir;
    Cluster cluster;
    Http http;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    /** A body generated on the fly that counts what the client has sent. */
    static final class Counting extends java.io.InputStream {
        final AtomicLong sent = new AtomicLong();
        private final long size;

        Counting(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            return sent.get() < size ? (int) (sent.getAndIncrement() & 0x7f) : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long left = size - sent.get();
            if (left <= 0) return -1;
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) b[off + i] = (byte) i;
            sent.addAndGet(n);
            return n;
        }
    }

    CompletableFuture<Integer> bigPut(String key, Counting body, long size) {
        return bigPut(key, body, size, "X-Request-Id", "big-put");
    }

    /** A large PUT with one extra header (e.g. If-Match). */
    CompletableFuture<Integer> bigPut(String key, Counting body, long size, String header, String value) {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest put = HttpRequest.newBuilder(URI.create(cluster.base() + key)).timeout(Duration.ofMinutes(2)).header(header, value)
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), size)).build();
        return client.sendAsync(put, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }

    /** A body that sends its first {@code gate} bytes, then waits until opened, then the rest. */
    static final class Gated extends java.io.InputStream {
        final AtomicLong sent = new AtomicLong();
        final java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        private final long size;
        private final long gate;

        Gated(long size, long gate) {
            this.size = size;
            this.gate = gate;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            long at = sent.get();
            if (at >= size) return -1;
            if (at >= gate) {
                try {
                    open.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            long limit = at < gate ? gate : size;
            int n = (int) Math.min(len, Math.min(limit - at, 64 * 1024));
            java.util.Arrays.fill(b, off, off + n, (byte) 'g');
            sent.addAndGet(n);
            return n;
        }
    }

    @Test
    void an_index_copied_by_hand_during_a_put_and_restored_after_its_201_keeps_the_value() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        http = new Http(cluster.base());
        long size = 4L * 1024 * 1024;
        Gated body = new Gated(size, 2L * 1024 * 1024);
        HttpRequest put = HttpRequest.newBuilder(URI.create(cluster.base() + "/copied/during")).timeout(Duration.ofMinutes(2))
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), size)).build();
        CompletableFuture<Integer> answer = HttpClient.newHttpClient().sendAsync(put, HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode);
        // The WRITING row is committed before the first byte goes to a volume: once nginx writes an
        // upload's temp file, a copy of the index holds that row.
        Ports.await("the body to reach a volume", Duration.ofSeconds(60), this::aVolumeIsReceiving);
        Path copy = dir.resolve("copied.db");
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + cluster.db()); var s = c.createStatement()) {
            s.execute("VACUUM INTO '" + copy + "'"); // as cp would, WRITING row and all (mkv backup would drop it)
        }
        body.open.countDown();
        assertThat(answer.get()).isEqualTo(201);

        // The operator restores the copy, which still says the acknowledged write is being written.
        cluster.stopCoordinator();
        for (String suffix : List.of("", "-wal", "-shm")) java.nio.file.Files.deleteIfExists(Path.of(cluster.db() + suffix));
        java.nio.file.Files.copy(copy, cluster.db());
        cluster.startCoordinator();

        // Recovery finds every replica whole and completes the write instead of deleting it.
        HttpResponse<byte[]> read = http.read("/copied/during");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).hasSize((int) size);
        cluster.assertEveryReplicaHolds("/copied/during");
    }

    private boolean aVolumeIsReceiving() {
        for (int i = 0; i < 3; i++) {
            try (var files = java.nio.file.Files.walk(cluster.volumeData(i))) {
                if (files.anyMatch(p -> p.getParent() != null && p.getParent().getFileName().toString().equals(".tmp")
                        && java.nio.file.Files.isRegularFile(p))) return true;
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                // a temp file vanished mid-walk: look again
            }
        }
        return false;
    }

    @Test
    void kill_9_during_a_large_put_leaves_no_key_and_no_file_after_restart() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        http = new Http(cluster.base());
        long size = 300L * 1024 * 1024;
        Counting body = new Counting(size);
        CompletableFuture<Integer> put = bigPut("/crash/big", body, size);
        Ports.await("64 MiB of the body to be sent", Duration.ofSeconds(60), () -> body.sent.get() > 64L * 1024 * 1024);
        cluster.killCoordinator();
        assertThat(put).failsWithin(Duration.ofSeconds(30));

        cluster.startCoordinator(); // start-up recovery settles the WRITING entry
        assertThat(http.get("/crash/big").statusCode()).isEqualTo(404);
        assertThat(cluster.filesOnVolumes()).isEmpty();
        assertThat(http.put("/crash/big", "small now").statusCode()).isEqualTo(201);
    }

    @Test
    void kill_9_during_a_large_replace_leaves_the_old_value_or_the_new_after_restart_never_neither_and_no_orphan() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        http = new Http(cluster.base());
        String key = "/crash/replaced";
        assertThat(http.put(key, "the old value").statusCode()).isEqualTo(201);
        String old = Http.md5("the old value".getBytes(StandardCharsets.UTF_8));
        long size = 200L * 1024 * 1024;
        Counting body = new Counting(size);
        CompletableFuture<Integer> put = bigPut(key, body, size, "If-Match", "*");
        Ports.await("64 MiB of the body to be sent", Duration.ofSeconds(60), () -> body.sent.get() > 64L * 1024 * 1024);
        // Readers see the old value while the new one streams.
        assertThat(Http.text(http.read(key))).isEqualTo("the old value");
        cluster.killCoordinator();
        assertThat(put).failsWithin(Duration.ofSeconds(30));

        cluster.startCoordinator(); // start-up recovery settles the pending generation
        HttpResponse<byte[]> redirect = http.get(key);
        assertThat(redirect.statusCode()).isEqualTo(302);
        // Killed mid-body, the switch never happened: the old value, whole on every replica.
        assertThat(cluster.assertEveryReplicaHolds(key)).isEqualTo(old);
        assertThat(Http.text(http.read(key))).isEqualTo("the old value");
        Ports.await("recovery to delete the unfinished generation's files", Duration.ofSeconds(30),
                () -> cluster.filesOnVolumes().size() == 4);
        Cluster.Run verify = cluster.mkv(Duration.ofSeconds(120), "verify", "--grace", "0s", "--volumes", cluster.volumeList(),
                "--db", cluster.db().toString());
        assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(http.put(key, "the new value", "If-Match", "\"" + old + "\"").statusCode()).isEqualTo(201);
        assertThat(Http.text(http.read(key))).isEqualTo("the new value");
    }

    @Test
    void kill_9_during_a_burst_of_puts_and_deletes_loses_no_acknowledged_write() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        http = new Http(cluster.base());
        Map<String, String> live = new ConcurrentHashMap<>();      // acknowledged PUT, no DELETE attempted since
        Map<String, Boolean> deleted = new ConcurrentHashMap<>();  // acknowledged DELETE
        Map<String, Boolean> uncertain = new ConcurrentHashMap<>(); // a request in flight at the kill
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acks = new AtomicLong();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                pool.submit(() -> {
                    Random random = new Random(thread);
                    for (int i = 0; i < 100_000 && !stop.get(); i++) {
                        String key = "/burst/" + thread + "/" + i;
                        byte[] value = new byte[1 + random.nextInt(4000)];
                        random.nextBytes(value);
                        uncertain.put(key, true);
                        try {
                            if (http.put(key, value).statusCode() != 201) continue;
                            live.put(key, Http.md5(value));
                            acks.incrementAndGet();
                            if (random.nextBoolean()) {
                                live.remove(key);
                                if (http.delete(key).statusCode() == 204) deleted.put(key, true);
                            }
                            uncertain.remove(key);
                        } catch (Exception e) {
                            return null;
                        }
                    }
                    return null;
                });
            }
            Ports.await("a few hundred acknowledged writes", Duration.ofSeconds(60), () -> acks.get() >= 300);
            cluster.killCoordinator();
            stop.set(true);
        }
        cluster.startCoordinator();

        for (var e : live.entrySet()) {
            if (uncertain.containsKey(e.getKey())) continue;
            HttpResponse<byte[]> r = http.read(e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
            assertThat(Http.md5(r.body())).as(e.getKey()).isEqualTo(e.getValue());
        }
        for (String key : deleted.keySet()) assertThat(http.get(key).statusCode()).as(key).isEqualTo(404);
        List<String> listed = cluster.liveKeys("/burst/");
        for (String key : listed) cluster.assertEveryReplicaHolds(key);
        // Two replicas, blob + sidecar each, per live key: nothing orphaned.
        assertThat(cluster.filesOnVolumes()).hasSize(listed.size() * 4);
    }

    @Test
    void a_delete_answered_whose_sidecar_removal_failed_then_kill_9_leaves_no_file_after_restart_and_a_rebuild_never_makes_it_readable()
            throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--recovery-grace", "1h");
        http = new Http(cluster.base());
        String key = "/crash/deleted";
        assertThat(http.put(key, "deleted, never to come back").statusCode()).isEqualTo(201);
        mkv.domain.Replica victim = cluster.placement(key).get(0);
        int v = cluster.volumePorts.indexOf(victim.volume().port());
        java.nio.file.Path sidecar = cluster.volumeData(v).resolve(
                mkv.domain.BlobPath.of(new mkv.domain.Key(key), cluster.generation(key), victim).sidecarPath().substring(1));
        java.nio.file.Path kept = dir.resolve("kept.key");
        java.nio.file.Files.move(sidecar, kept);
        java.nio.file.Files.createDirectories(sidecar.resolve("obstacle")); // nginx answers the sidecar's DELETE with 409
        double failed = FaultMatrixIT.failedDeletes(cluster, v);

        // The DELETE answers once every blob is gone; its sidecars go after the answer, and here one cannot.
        assertThat(http.delete(key).statusCode()).isEqualTo(204);
        Ports.await("the sidecar removal after the answer to fail", Duration.ofSeconds(60),
                () -> FaultMatrixIT.failedDeletes(cluster, v) > failed);
        java.nio.file.Files.delete(sidecar.resolve("obstacle"));
        java.nio.file.Files.delete(sidecar);
        java.nio.file.Files.move(kept, sidecar);
        assertThat(http.get(key).statusCode()).isEqualTo(404);

        // A rebuild from the volumes at this moment finds a sidecar without its blob: a removal under
        // way, reported as damage, and the key never comes back readable.
        java.nio.file.Path rebuilt = dir.resolve("rebuilt.db");
        Cluster.Run rebuild = cluster.mkv(Duration.ofSeconds(120), "rebuild", "--volumes", cluster.volumeList(), "--db", rebuilt.toString());
        assertThat(rebuild.output()).contains("sidecar without blob").contains(key);
        try (var fromVolumes = mkv.adapter.sqlite.SqliteIndex.open(rebuilt)) {
            assertThat(fromVolumes.get(new mkv.domain.Key(key)).filter(e -> e.is(mkv.domain.EntryState.LIVE))).as(rebuild.output()).isEmpty();
        }

        cluster.killCoordinator();
        cluster.startCoordinator(); // start-up recovery finishes the delete
        assertThat(http.get(key).statusCode()).isEqualTo(404);
        assertThat(cluster.filesOnVolumes()).isEmpty();
        assertThat(http.put(key, "a new value").statusCode()).isEqualTo(201);
    }

    @Test
    void a_hung_volume_fails_puts_within_the_timeout_and_reads_move_to_the_healthy_replicas() throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--read-timeout", "2s", "--connect-timeout", "1s", "--recovery-grace", "2s");
        http = new Http(cluster.base());
        List<String> onHung = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (int i = 0; onHung.size() < 10 || fresh.size() < 2; i++) {
            String k = "/hang/" + i;
            if (cluster.placement(k).stream().noneMatch(r -> r.volume().equals(cluster.volume(0)))) continue;
            if (onHung.size() < 10) {
                assertThat(http.put(k, "v" + i).statusCode()).isEqualTo(201);
                onHung.add(k);
            } else {
                fresh.add(k);
            }
        }
        cluster.signalVolume(0, "STOP");
        try {
            // A PUT placed on the hung volume fails within the read timeout.
            Instant start = Instant.now();
            int status = http.put(fresh.get(0), "never").statusCode();
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(8));
            assertThat(status).isIn(502, 503);
            // Reads go to the healthy replica once the checker marks the volume down...
            String hung = ":" + cluster.volumePorts.get(0) + "/";
            Ports.await("reads to avoid the hung volume", Duration.ofSeconds(20),
                    () -> onHung.stream().noneMatch(key -> http.get(key).headers().firstValue("Location").orElse("").contains(hung)));
            for (String key : onHung) assertThat(Http.text(http.read(key))).isEqualTo("v" + key.substring("/hang/".length()));
            // ...and, once health-failures probes in a row have failed (reads moved after the first),
            // PUTs placed on it are refused up front.
            String hungVolume = "127.0.0.1:" + cluster.volumePorts.get(0);
            Ports.await("the checker to mark the volume down", Duration.ofSeconds(20),
                    () -> cluster.log().contains("volume " + hungVolume + " is now down"));
            assertThat(http.put(fresh.get(1), "never").statusCode()).isEqualTo(503);
        } finally {
            cluster.signalVolume(0, "CONT");
        }
        // The failed PUT never becomes live, even once its volume answers again and whatever
        // it had buffered lands; recovery then removes its files and frees the key.
        Ports.await("recovery to settle the failed PUT", Duration.ofSeconds(30),
                () -> !cluster.hasFiles(fresh.get(0)) && http.put(fresh.get(0), "now").statusCode() == 201);
        assertThat(Http.text(http.read(fresh.get(0)))).isEqualTo("now");
        assertThat(http.get(fresh.get(1)).statusCode()).isEqualTo(404);
    }

    @Test
    void a_volume_killed_during_a_put_rolls_it_back_and_recovery_leaves_no_orphans() throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--recovery-grace", "1s");
        http = new Http(cluster.base());
        String key = null;
        for (int i = 0; key == null; i++) {
            if (cluster.placement("/vk/" + i).stream().anyMatch(r -> r.volume().equals(cluster.volume(1)))) key = "/vk/" + i;
        }
        long size = 200L * 1024 * 1024;
        Counting body = new Counting(size);
        CompletableFuture<Integer> put = bigPut(key, body, size);
        Ports.await("32 MiB of the body to be sent", Duration.ofSeconds(60), () -> body.sent.get() > 32L * 1024 * 1024);
        cluster.killVolume(1);
        assertThat(put.get()).isIn(502, 503);
        assertThat(http.get(key).statusCode()).isEqualTo(404);
        cluster.startVolume(1);
        String k = key;
        Ports.await("recovery to remove every file of the failed PUT", Duration.ofSeconds(30), () -> !cluster.hasFiles(k));
        Ports.await("the key to be writable again", Duration.ofSeconds(30), () -> http.put(k, "again").statusCode() == 201);
        assertThat(Http.text(http.read(key))).isEqualTo("again");
    }

    @Test
    void a_put_over_an_unlinked_key_whose_target_volume_is_killed_mid_body_keeps_the_unlinked_value_and_leaves_no_orphan() throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--recovery-grace", "1s");
        http = new Http(cluster.base());
        String key = null;
        for (int i = 0; key == null; i++) {
            if (cluster.placement("/uk/" + i).stream().anyMatch(r -> r.volume().equals(cluster.volume(1)))) key = "/uk/" + i;
        }
        String k = key;
        assertThat(http.put(key, "the unlinked value").statusCode()).isEqualTo(201);
        long unlinked = cluster.generation(key);
        assertThat(http.unlink(key).statusCode()).isEqualTo(204);

        long size = 200L * 1024 * 1024;
        Counting body = new Counting(size);
        CompletableFuture<Integer> put = bigPut(key, body, size);
        Ports.await("32 MiB of the body to be sent", Duration.ofSeconds(60), () -> body.sent.get() > 32L * 1024 * 1024);
        cluster.killVolume(1);
        assertThat(put.get()).isIn(502, 503);
        cluster.startVolume(1);

        // Recovery deletes the unfinished generation's files; the unlinked value's stay, whole. (The
        // killed nginx may leave its own temp file in a .tmp folder: verify's business, not a file of the key.)
        String digest = new mkv.domain.Key(key).digest();
        java.util.function.Supplier<List<java.nio.file.Path>> filesOfKey = () -> cluster.filesOnVolumes().stream()
                .filter(p -> p.getFileName().toString().startsWith(digest)).toList();
        Ports.await("recovery to remove the files of the failed PUT", Duration.ofSeconds(30),
                () -> cluster.generation(k) == unlinked && filesOfKey.get().size() == 4);
        assertThat(http.get(key).statusCode()).isEqualTo(404);
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.get("/uk/?unlinked").body()).get("keys").toString())
                .contains(key);
        for (java.nio.file.Path f : filesOfKey.get()) {
            if (!f.getFileName().toString().endsWith(".key")) {
                assertThat(java.nio.file.Files.readString(f)).as(f.toString()).isEqualTo("the unlinked value");
            } else {
                assertThat(java.nio.file.Files.readString(f)).as(f.toString()).contains("\"state\":\"UNLINKED\"");
            }
        }
        // Nothing an index would not name, and a rebuild from the volumes restores the unlinked value.
        Cluster.Run verify = cluster.mkv(Duration.ofSeconds(120), "verify", "--deep", "--grace", "0s", "--volumes", cluster.volumeList(),
                "--db", cluster.db().toString());
        assertThat(verify.output()).as(verify.output()).contains("mkv verify:").doesNotContain("orphan").doesNotContain("missing replica")
                .doesNotContain("bad sidecar").doesNotContain("corrupt").doesNotContain("stale WRITING");
        java.nio.file.Path rebuilt = dir.resolve("rebuilt.db");
        Cluster.Run rebuild = cluster.mkv(Duration.ofSeconds(120), "rebuild", "--volumes", cluster.volumeList(), "--db", rebuilt.toString());
        assertThat(rebuild.exit()).as(rebuild.output()).isZero();
        try (var index = mkv.adapter.sqlite.SqliteIndex.open(rebuilt)) {
            var entry = index.get(new mkv.domain.Key(key)).get();
            assertThat(entry.state()).isEqualTo(mkv.domain.EntryState.UNLINKED);
            assertThat(entry.generation()).isEqualTo(unlinked);
        }
        assertThat(http.put(key, "written again").statusCode()).isEqualTo(201);
        assertThat(Http.text(http.read(key))).isEqualTo("written again");
    }

    @Test
    void a_client_that_disconnects_mid_body_leaves_nothing_and_the_key_stays_writable() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        http = new Http(cluster.base());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", cluster.port), 2000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /gone/mid HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[1 << 16];
            for (int i = 0; i < 64; i++) out.write(chunk); // 4 MiB of the promised 50 MB
            out.flush();
        }
        Ports.await("the abandoned PUT to be rolled back", Duration.ofSeconds(30),
                () -> !cluster.hasFiles("/gone/mid") && http.put("/gone/mid", "whole").statusCode() == 201);
        assertThat(Http.text(http.read("/gone/mid"))).isEqualTo("whole");
        assertThat(cluster.filesOnVolumes()).hasSize(4);
    }
}
