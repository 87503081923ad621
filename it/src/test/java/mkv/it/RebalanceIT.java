package mkv.it;

import static mkv.it.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Ring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mkv rebalance and mkv rebuild as processes, on real nginx volumes beside a real coordinator. */
class RebalanceIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    Cluster cluster;
    Http http;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    /** n keys of varied sizes (one of 3 MB); every fifth one unlinked. Returns key → value of the live ones. */
    Map<String, byte[]> store(String prefix, int n) {
        Map<String, byte[]> live = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String k = prefix + i;
            byte[] v = (i == 7 ? "x".repeat(3 * 1024 * 1024) : ("value " + i + " ").repeat(1 + i % 50)).getBytes(StandardCharsets.UTF_8);
            assertThat(http.put(Http.enc(k), v).statusCode()).as(k).isEqualTo(201);
            if (i % 5 == 4) assertThat(http.unlink(Http.enc(k)).statusCode()).isEqualTo(204);
            else live.put(k, v);
        }
        return live;
    }

    static Seq<Entry> entries(Path db) {
        try (SqliteIndex index = SqliteIndex.open(db)) {
            return index.scan(Option.none(), 1_000_000);
        }
    }

    /** Entries with their update time blanked: what a rebuild must restore exactly. */
    static Seq<Entry> settled(Seq<Entry> entries) {
        return entries.map(e -> new Entry(e.key(), e.state(), e.replicas(), e.size(), e.md5(), e.created(), e.created(),
                e.generation(), e.pending(), e.retired()));
    }

    void assertReadableAndPlaced(Map<String, byte[]> live, List<Integer> ports) {
        Ring ring = Cluster.ring(ports);
        for (var kv : live.entrySet()) {
            var r = http.read(Http.enc(kv.getKey()));
            assertThat(r.statusCode()).as(kv.getKey()).isEqualTo(200);
            assertThat(r.body()).as(kv.getKey()).isEqualTo(kv.getValue());
        }
        for (Entry e : entries(cluster.db())) {
            assertThat(e.replicas()).as(e.key().value()).containsExactlyInAnyOrderElementsOf(ring.replicasFor(e.key(), cluster.replicas));
        }
    }

    Cluster.Run rebalance(List<Integer> ports, String... more) {
        List<String> args = new ArrayList<>(List.of("rebalance", "--volumes", Cluster.volumeList(ports), "--db", cluster.db().toString(),
                "--replicas", Integer.toString(cluster.replicas), "--progress-every", "100ms"));
        args.addAll(List.of(more));
        return cluster.mkv(DEADLINE, args.toArray(String[]::new));
    }

    @Test
    void adding_a_volume_and_removing_it_again_moves_every_key_and_a_rebuild_restores_the_index_exactly() {
        cluster = Cluster.start(dir, 3, 2);
        http = new Http(cluster.base());
        Map<String, byte[]> live = store("/move/ü ", 60);
        List<Integer> three = List.copyOf(cluster.volumePorts);
        cluster.addVolume();
        List<Integer> four = List.copyOf(cluster.volumePorts);

        Cluster.Run dry = rebalance(four, "--dry-run");
        assertThat(dry.exit()).as(dry.output()).isZero();
        assertThat(dry.output()).contains("keys to move").contains("127.0.0.1:" + four.get(3));
        Seq<Entry> beforeMove = entries(cluster.db());

        // Rebalance first, with the coordinator still on three volumes: reads follow the index.
        Cluster.Run up = rebalance(four);
        assertThat(up.exit()).as(up.output()).isZero();
        assertThat(up.output()).containsPattern("[1-9]\\d* keys moved");
        assertReadableAndPlaced(live, four);
        cluster.restartCoordinator(four);
        assertReadableAndPlaced(live, four);
        assertThat(settled(entries(cluster.db())).map(e -> e.md5().get() + e.state().name() + e.size()))
                .containsExactlyInAnyOrderElementsOf(settled(beforeMove).map(e -> e.md5().get() + e.state().name() + e.size()));

        // Back to three: the coordinator first, then the rebalance; the fourth volume is emptied.
        cluster.restartCoordinator(three);
        Cluster.Run down = rebalance(three);
        assertThat(down.exit()).as(down.output()).isZero();
        assertReadableAndPlaced(live, three);
        Path fourth = cluster.volumeData(3);
        assertThat(cluster.filesOnVolumes()).noneMatch(p -> p.startsWith(fourth));

        // A rebuild from the volumes alone gives the live index back, entry for entry.
        Path rebuilt = dir.resolve("rebuilt.db");
        Cluster.Run rebuild = cluster.mkv(DEADLINE, "rebuild", "--volumes", Cluster.volumeList(four), "--db", rebuilt.toString());
        assertThat(rebuild.exit()).as(rebuild.output()).isZero();
        assertThat(rebuild.output()).contains("60 entries written").contains("damage: none");
        assertThat(settled(entries(rebuilt))).containsExactlyElementsOf(settled(entries(cluster.db())));
        assertThat(entries(rebuilt).count(e -> e.is(EntryState.UNLINKED))).isEqualTo(12);

        // A second rebuild into the same file is refused without --force.
        Cluster.Run again = cluster.mkv(DEADLINE, "rebuild", "--volumes", Cluster.volumeList(four), "--db", rebuilt.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.output()).contains("already holds 60 entries");
    }

    @Test
    void a_rebalance_killed_midway_finishes_when_run_again_and_loses_nothing() {
        cluster = Cluster.start(dir, 3, 2, "--recovery-grace", "1h");
        http = new Http(cluster.base());
        Map<String, byte[]> live = store("/killed/", 300);
        cluster.addVolume();
        List<Integer> four = List.copyOf(cluster.volumePorts);

        Cluster.Started first = cluster.startMkv("rebalance", "--volumes", Cluster.volumeList(four), "--db", cluster.db().toString(),
                "--replicas", "2", "--concurrency", "1", "--progress-every", "20ms");
        Pattern moving = Pattern.compile("[1-9]\\d* keys moved");
        try {
            Ports.await("the rebalance to move some keys", DEADLINE,
                    () -> moving.matcher(first.output()).find() || !first.process().isAlive());
        } finally {
            first.kill();
        }
        assertReadableAndPlacedOrOld(live);

        Cluster.Run second = rebalance(four);
        assertThat(second.exit()).as(second.output()).isZero();
        assertReadableAndPlaced(live, four);
        // A key killed between its switch and its deletes left an old replica behind: verify removes it.
        Cluster.Run clean = cluster.mkv(DEADLINE, "verify", "--volumes", Cluster.volumeList(four), "--db", cluster.db().toString(),
                "--repair", "--grace", "0s");
        assertThat(clean.exit()).as(clean.output()).isZero();
        Cluster.Run check = cluster.mkv(DEADLINE, "verify", "--volumes", Cluster.volumeList(four), "--db", cluster.db().toString(), "--grace", "0s");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("findings: none");
        assertReadableAndPlaced(live, four);
    }

    /** Midway, every key is still readable from whichever replicas its entry names. */
    void assertReadableAndPlacedOrOld(Map<String, byte[]> live) {
        for (var kv : live.entrySet()) {
            var r = http.read(Http.enc(kv.getKey()));
            assertThat(r.statusCode()).as(kv.getKey()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(kv.getValue());
        }
    }

    @Test
    void a_rebalance_onto_a_dead_volume_reports_it_and_every_key_stays_readable() {
        cluster = Cluster.start(dir, 3, 2);
        http = new Http(cluster.base());
        Map<String, byte[]> live = store("/dead-target/", 40);
        int added = cluster.addVolume();
        List<Integer> four = List.copyOf(cluster.volumePorts);
        cluster.stopVolume(added);

        Cluster.Run run = rebalance(four);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("127.0.0.1:" + four.get(3) + " does not answer").contains("cannot move");
        for (var kv : live.entrySet()) {
            var r = http.read(Http.enc(kv.getKey()));
            assertThat(r.statusCode()).as(kv.getKey()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(kv.getValue());
        }
        Ring four4 = Cluster.ring(four);
        for (Entry e : entries(cluster.db())) {
            boolean targetsDead = four4.replicasFor(e.key(), 2).exists(r -> r.volume().port() == four.get(3));
            if (targetsDead) assertThat(e.volumes()).noneMatch(v -> v.port() == four.get(3));
        }
    }

    @Test
    void a_rebalance_beside_live_deletes_unlinks_and_writes_never_resurrects_or_loses_a_key() throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--recovery-grace", "1h");
        http = new Http(cluster.base());
        Map<String, byte[]> stored = store("/busy/", 240);
        cluster.addVolume();
        List<Integer> four = List.copyOf(cluster.volumePorts);
        cluster.restartCoordinator(four);

        List<String> deleted = new ArrayList<>(), unlinked = new ArrayList<>();
        Map<String, byte[]> written = new LinkedHashMap<>();
        Cluster.Started run = cluster.startMkv("rebalance", "--volumes", Cluster.volumeList(four), "--db", cluster.db().toString(),
                "--replicas", "2", "--concurrency", "2");
        try {
            int i = 0;
            for (String k : stored.keySet()) {
                // A DELETE or UNLINK whose entry the rebalance switched under it answers 409: a client retries.
                if (i % 3 == 0) {
                    untilNot409("DELETE " + k, () -> http.delete(Http.enc(k)).statusCode());
                    deleted.add(k);
                } else if (i % 3 == 1) {
                    untilNot409("UNLINK " + k, () -> http.unlink(Http.enc(k)).statusCode());
                    unlinked.add(k);
                }
                String fresh = "/busy-new/" + i;
                byte[] v = ("fresh " + i).getBytes(StandardCharsets.UTF_8);
                assertThat(http.put(Http.enc(fresh), v).statusCode()).isEqualTo(201);
                written.put(fresh, v);
                i++;
            }
            assertThat(run.process().waitFor(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(run.process().exitValue()).as(run.output()).isZero();
            System.out.println("RebalanceIT beside traffic: " + run.output().lines().filter(l -> l.startsWith("mkv rebalance:")).toList());
        } finally {
            run.kill();
        }

        Cluster.Run again = rebalance(four);
        assertThat(again.exit()).as(again.output()).isZero();
        for (String k : deleted) {
            assertThat(http.get(Http.enc(k)).statusCode()).as(k).isEqualTo(404);
            String digest = new Key(k).digest();
            assertThat(cluster.filesOnVolumes()).as("files of deleted " + k).noneMatch(p -> p.getFileName().toString().startsWith(digest));
        }
        for (String k : unlinked) assertThat(http.get(Http.enc(k)).statusCode()).as(k).isEqualTo(404);
        Map<String, byte[]> live = new LinkedHashMap<>(written);
        stored.forEach((k, v) -> {
            if (!deleted.contains(k) && !unlinked.contains(k)) live.put(k, v);
        });
        assertReadableAndPlaced(live, four);
        Map<Key, Entry> index = new LinkedHashMap<>();
        entries(cluster.db()).forEach(e -> index.put(e.key(), e));
        for (String k : unlinked) assertThat(index.get(new Key(k)).state()).as(k).isEqualTo(EntryState.UNLINKED);
    }

    @Test
    void a_rebalance_beside_replaces_and_rewrites_of_the_same_keys_never_lets_older_bytes_win() throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--recovery-grace", "1h");
        http = new Http(cluster.base());
        Map<String, byte[]> latest = new LinkedHashMap<>();
        for (int i = 0; i < 90; i++) {
            String k = "/gen/" + i;
            byte[] v = ("first " + i + " ").repeat(1 + i % 40).getBytes(StandardCharsets.UTF_8);
            assertThat(http.put(k, v).statusCode()).isEqualTo(201);
            latest.put(k, v);
        }
        cluster.addVolume();
        List<Integer> four = List.copyOf(cluster.volumePorts);
        cluster.restartCoordinator(four);

        Cluster.Started run = cluster.startMkv("rebalance", "--volumes", Cluster.volumeList(four), "--db", cluster.db().toString(),
                "--replicas", "2", "--concurrency", "2");
        try {
            for (int round = 0; round < 2; round++) {
                int i = 0;
                for (String k : List.copyOf(latest.keySet())) {
                    byte[] v = ("round " + round + " of " + k + " ").repeat(1 + (i + round) % 40).getBytes(StandardCharsets.UTF_8);
                    if (i % 2 == 0) {
                        // Replace in place: a new generation beside the one the rebalance may be copying.
                        int[] status = {0};
                        Ports.await("replace " + k, Duration.ofSeconds(10), () -> (status[0] = http.put(k, v, "If-Match", "*").statusCode()) != 409);
                        assertThat(status[0]).as(k).isEqualTo(201);
                    } else {
                        // Delete and write again: the same key, a newer generation, maybe on the copy's target.
                        untilNot409("DELETE " + k, () -> http.delete(k).statusCode());
                        assertThat(http.put(k, v).statusCode()).as(k).isEqualTo(201);
                    }
                    latest.put(k, v);
                    i++;
                }
            }
            assertThat(run.process().waitFor(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(run.process().exitValue()).as(run.output()).isZero();
        } finally {
            run.kill();
        }
        Cluster.Run again = rebalance(four);
        assertThat(again.exit()).as(again.output()).isZero();
        // Every key reads back as its last write, on every replica the index names.
        assertReadableAndPlaced(latest, four);
        for (String k : latest.keySet()) assertThat(cluster.assertEveryReplicaHolds(k)).as(k).isEqualTo(Http.md5(latest.get(k)));
        // Nothing on the volumes contradicts the index: no stale copy, no older generation left unnamed.
        Cluster.Run verify = cluster.mkv(DEADLINE, "verify", "--deep", "--grace", "0s", "--volumes", Cluster.volumeList(four),
                "--db", cluster.db().toString());
        assertThat(verify.exit()).as(verify.output()).isZero();
    }

    static void untilNot409(String what, java.util.function.IntSupplier request) {
        int[] status = {0};
        Ports.await(what + " to answer something else than 409", Duration.ofSeconds(10), () -> (status[0] = request.getAsInt()) != 409);
        assertThat(status[0]).as(what).isEqualTo(204);
    }
}
