package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.BlobPath;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Replica;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safety issue's fault matrix on real processes: each request that changes a key (PUT of
 * a new key, PUT over an unlinked key, UNLINK, RELINK, DELETE) meets a target volume that
 * refuses connections (its nginx killed), hangs (SIGSTOP), dies mid-body (kill -9 while a PUT
 * streams), or fails one step (a directory where the blob or the sidecar must go: nginx then
 * answers 500 to the PUT, as it does for a full disk, or 409 to the DELETE). Then the volume comes
 * back, the coordinator restarts (its recovery settles everything the requests left), and:
 * every key is in the state its answer allows; {@code mkv verify --deep} finds nothing; and
 * {@code mkv rebuild} from the volumes alone reproduces every key's state and generation.
 *
 * <p>The health checker is slowed to one probe in ten minutes so each request meets the fault
 * itself, at the volume, instead of being refused up front with a 503 (which changes nothing and
 * is proved elsewhere). Each failure mode is one cluster; the domain's {@code FaultMatrixTest}
 * runs every step of every request exhaustively on fakes, and this samples it on real processes.
 */
class FaultMatrixIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String OLD = "the old value";
    private static final String NEW = "the new value, longer";

    @TempDir
    Path dir;
    Cluster cluster;
    Http http;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    enum Kind { PUT_NEW, PUT_OVER_UNLINKED, UNLINK, RELINK, DELETE }

    /** One cell: a request kind on a key placed on the volume that fails, and the answer it got. */
    static final class Cell {
        final Kind kind;
        final String key;
        final String step;
        int status;

        Cell(Kind kind, String key, String step) {
            this.kind = kind;
            this.key = key;
            this.step = step;
        }

        @Override
        public String toString() {
            return kind + (step.isEmpty() ? "" : " failing at the " + step) + " on " + key + " → " + status;
        }
    }

    /** What a key is, as a client (and a rebuilt index) sees it: absent, or live/unlinked with this value. */
    record State(String state, String value) {
        static final State ABSENT = new State("absent", null);
    }

    private Cluster start() {
        cluster = Cluster.start(dir, 3, 2, "--health-interval", "10m", "--read-timeout", "2s", "--connect-timeout", "1s",
                "--recovery-grace", "1h", "--retire-grace", "1s");
        http = new Http(cluster.base());
        return cluster;
    }

    @Test
    void a_target_volume_that_refuses_connections_leaves_every_request_kind_recoverable_to_the_state_its_answer_promised() {
        start();
        List<Cell> cells = cells("refused", 1, "");
        cells.forEach(this::prepare);
        cluster.killVolume(1);
        for (Cell c : cells) c.status = send(c);
        cluster.startVolume(1);
        expectStatuses(cells);
        recoverAndCheck(cells);
    }

    @Test
    void a_hung_target_volume_leaves_every_request_kind_recoverable_to_the_state_its_answer_promised() {
        start();
        List<Cell> cells = cells("hung", 1, "");
        cells.forEach(this::prepare);
        cluster.signalVolume(1, "STOP");
        try {
            for (Cell c : cells) c.status = send(c);
        } finally {
            cluster.signalVolume(1, "CONT");
        }
        expectStatuses(cells);
        recoverAndCheck(cells);
    }

    @Test
    void a_target_volume_killed_mid_body_leaves_a_put_and_a_put_over_an_unlinked_key_recoverable() throws Exception {
        start();
        // One victim per cell: the second PUT must meet a volume that is still alive when it starts.
        List<Cell> cells = List.of(new Cell(Kind.PUT_NEW, keyOn("killed/new", 1, 2), "body"),
                new Cell(Kind.PUT_OVER_UNLINKED, keyOn("killed/unlinked", 2, 1), "body"));
        cells.forEach(this::prepare);
        int victim = 1;
        for (Cell c : cells) {
            long size = 64L * 1024 * 1024;
            CrashIT.Counting body = new CrashIT.Counting(size);
            CompletableFuture<Integer> put = CompletableFuture.supplyAsync(() -> Http.send(HttpRequest.newBuilder(http.uri(c.key))
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), size))).statusCode());
            Ports.await("16 MiB of the body to be sent", DEADLINE, () -> body.sent.get() > 16L * 1024 * 1024);
            cluster.killVolume(victim);
            c.status = put.get();
            victim++;
        }
        cluster.startVolume(1);
        cluster.startVolume(2);
        expectStatuses(cells);
        // A killed nginx may leave its own upload temp file behind: verify's to report and remove, not a file of any key.
        recoverAndCheck(cells, true);
    }

    @Test
    void a_target_volume_failing_one_step_as_a_full_disk_does_leaves_every_request_kind_recoverable() throws IOException {
        start();
        List<Cell> cells = new ArrayList<>();
        for (String step : List.of("blob", "sidecar")) {
            cells.add(new Cell(Kind.PUT_NEW, keyOn("step/new/" + step, 1), step));
            cells.add(new Cell(Kind.PUT_OVER_UNLINKED, keyOn("step/unlinked/" + step, 1), step));
            cells.add(new Cell(Kind.DELETE, keyOn("step/delete/" + step, 1), step));
        }
        cells.add(new Cell(Kind.UNLINK, keyOn("step/unlink", 1), "sidecar"));
        cells.add(new Cell(Kind.RELINK, keyOn("step/relink", 1), "sidecar"));
        cells.forEach(this::prepare);
        int probes = 0;
        for (Cell c : cells) {
            // The generation the request's files are at: a PUT takes the next one, which a throwaway
            // PUT just before it reveals (generations are handed out in order within a block).
            long generation;
            if (c.kind == Kind.PUT_NEW || c.kind == Kind.PUT_OVER_UNLINKED) {
                String probe = "/matrix/probe/" + probes++;
                assertThat(http.put(probe, "probe").statusCode()).isEqualTo(201);
                generation = cluster.generation(probe) + 1;
            } else {
                generation = cluster.generation(c.key);
            }
            Replica onVictim = cluster.placement(c.key).stream().filter(r -> r.volume().equals(cluster.volume(1))).findFirst().orElseThrow();
            BlobPath path = BlobPath.of(new Key(c.key), generation, onVictim);
            Path file = cluster.volumeData(1).resolve((c.step.equals("blob") ? path.path() : path.sidecarPath()).substring(1));
            Path kept = dir.resolve("kept-" + c.kind + "-" + c.step);
            if (Files.exists(file)) Files.move(file, kept);
            Files.createDirectories(file.resolve("obstacle"));
            double failedDeletes = failedDeletes(1);
            try {
                c.status = send(c);
                // A DELETE removes its sidecars after its answer: let that removal meet the obstacle too.
                if (c.kind == Kind.DELETE && c.step.equals("sidecar")) {
                    Ports.await("the sidecar removal after the answer to meet the obstacle", DEADLINE, () -> failedDeletes(1) > failedDeletes);
                }
            } finally {
                Files.delete(file.resolve("obstacle"));
                Files.delete(file);
                // An UNLINK or RELINK left the file alone: put it back as it was, for recovery to rewrite.
                if (Files.exists(kept) && (c.kind == Kind.UNLINK || c.kind == Kind.RELINK)) Files.move(kept, file);
            }
        }
        expectStatuses(cells);
        recoverAndCheck(cells);
    }

    // ---- the cells ----

    /** The five request kinds, each on its own key placed on the failing volume. */
    private List<Cell> cells(String mode, int victim, String step) {
        List<Cell> cells = new ArrayList<>();
        for (Kind k : Kind.values()) cells.add(new Cell(k, keyOn(mode + "/" + k.name().toLowerCase(), victim), step));
        return cells;
    }

    /** A key under {@code /matrix/<name>/} that has a replica on volume {@code victim}. */
    private String keyOn(String name, int victim) {
        return keyOn(name, victim, -1);
    }

    /** A key under {@code /matrix/<name>/} that has a replica on volume {@code victim} and none on {@code spared}. */
    private String keyOn(String name, int victim, int spared) {
        for (int i = 0; ; i++) {
            String key = "/matrix/" + name + "/" + i;
            List<Replica> at = cluster.placement(key);
            if (at.stream().anyMatch(r -> r.volume().equals(cluster.volume(victim)))
                    && (spared < 0 || at.stream().noneMatch(r -> r.volume().equals(cluster.volume(spared))))) return key;
        }
    }

    /** Brings a cell's key into the state its request starts from. */
    private void prepare(Cell c) {
        if (c.kind == Kind.PUT_NEW) return;
        assertThat(http.put(c.key, OLD).statusCode()).as(c.key).isEqualTo(201);
        if (c.kind == Kind.PUT_OVER_UNLINKED || c.kind == Kind.RELINK) assertThat(http.unlink(c.key).statusCode()).as(c.key).isEqualTo(204);
    }

    private int send(Cell c) {
        return switch (c.kind) {
            case PUT_NEW, PUT_OVER_UNLINKED -> http.put(c.key, NEW).statusCode();
            case UNLINK -> http.unlink(c.key).statusCode();
            case RELINK -> http.method("RELINK", c.key).statusCode();
            case DELETE -> http.delete(c.key).statusCode();
        };
    }

    /**
     * Every cell met the fault at the volume: a PUT was rolled back (502); a DELETE, UNLINK or
     * RELINK stands but is unfinished there (202), for recovery to finish.
     */
    private static void expectStatuses(List<Cell> cells) {
        for (Cell c : cells) {
            // A DELETE answers once every blob is gone (204); its sidecars, failing or not, come after the answer.
            int expected = c.kind == Kind.PUT_NEW || c.kind == Kind.PUT_OVER_UNLINKED ? 502
                    : c.kind == Kind.DELETE && c.step.equals("sidecar") ? 204 : 202;
            assertThat(c.status).as(c.toString()).isEqualTo(expected);
        }
    }

    /** How many deletes the coordinator sent to volume {@code i} that did not succeed, from its metrics. */
    private double failedDeletes(int i) {
        return failedDeletes(cluster, i);
    }

    /** How many deletes the cluster's coordinator sent to volume {@code i} that did not succeed, from its metrics. */
    static double failedDeletes(Cluster cluster, int i) {
        String text = Http.text(new Http(cluster.adminBase()).get("/metrics"));
        String volume = ":" + cluster.volume(i).port() + "\"";
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("mkv_volume_request_duration_seconds_count{") && line.contains("operation=\"delete\"")
                    && line.contains(volume) && !line.contains("outcome=\"ok\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** The state the answer promised. */
    private static State expected(Cell c) {
        boolean done = c.status == 201 || c.status == 204 || c.status == 202;
        return switch (c.kind) {
            case PUT_NEW -> done ? new State("live", NEW) : State.ABSENT;
            case PUT_OVER_UNLINKED -> done ? new State("live", NEW) : new State("unlinked", OLD);
            case UNLINK -> done ? new State("unlinked", OLD) : new State("live", OLD);
            case RELINK -> done ? new State("live", OLD) : new State("unlinked", OLD);
            case DELETE -> done ? State.ABSENT : new State("live", OLD);
        };
    }

    // ---- after the faults ----

    private void recoverAndCheck(List<Cell> cells) {
        recoverAndCheck(cells, false);
    }

    private void recoverAndCheck(List<Cell> cells, boolean nginxTempFilesLeft) {
        // A new coordinator process settles, at start, everything the requests left.
        cluster.stopCoordinator();
        cluster.startCoordinator();
        Map<String, State> want = new LinkedHashMap<>();
        for (Cell c : cells) want.put(c.key, expected(c));

        // What a client sees.
        for (Cell c : cells) assertThat(served(c.key)).as(c.toString()).isEqualTo(want.get(c.key));

        // Nothing for verify to find: no orphan, no missing replica, no sidecar that disagrees.
        Cluster.Run verify = cluster.mkv(DEADLINE, "verify", "--deep", "--grace", "0s", "--volumes", cluster.volumeList(),
                "--db", cluster.db().toString());
        if (!nginxTempFilesLeft) assertThat(verify.exit()).as(verify.output()).isZero();
        assertThat(verify.output()).as(verify.output()).contains("mkv verify:").doesNotContain("orphan").doesNotContain("missing replica")
                .doesNotContain("bad sidecar").doesNotContain("corrupt").doesNotContain("stale WRITING").doesNotContain("lost")
                .doesNotContain("under-replicated").doesNotContain("unindexed");

        // The volumes alone rebuild the same states and generations, with nothing undecided.
        Path rebuilt = dir.resolve("rebuilt.db");
        Cluster.Run rebuild = cluster.mkv(DEADLINE, "rebuild", "--volumes", cluster.volumeList(), "--db", rebuilt.toString());
        assertThat(rebuild.output()).as(rebuild.output()).doesNotContain("undecided");
        assertThat(rebuild.exit()).as(rebuild.output()).isZero();
        cluster.stopCoordinator();
        try (var live = SqliteIndex.open(cluster.db()); var fromVolumes = SqliteIndex.open(rebuilt)) {
            for (Cell c : cells) {
                Key key = new Key(c.key);
                var indexed = live.get(key);
                var recovered = fromVolumes.get(key);
                assertThat(indexed.exists(e -> e.is(EntryState.WRITING) || e.pending().isDefined() || e.owed()))
                        .as(c + ": recovery left " + indexed).isFalse();
                assertThat(recovered.map(FaultMatrixIT::facts)).as(c + ": rebuilt").isEqualTo(indexed.map(FaultMatrixIT::facts));
            }
        }
    }

    /** The facts a rebuild must reproduce: state, generation, size and md5. */
    private static String facts(Entry e) {
        return e.state() + " g" + e.generation() + " " + e.size() + " bytes " + e.md5().map(m -> m.hex()).getOrElse("-");
    }

    /** The key's state as the coordinator serves it: a redirect to the value, listed as unlinked, or neither. */
    private State served(String key) {
        HttpResponse<byte[]> get = http.get(key);
        if (get.statusCode() == 302) return new State("live", Http.text(http.read(key)));
        assertThat(get.statusCode()).as(key).isEqualTo(404);
        String prefix = key.substring(0, key.lastIndexOf('/') + 1);
        try {
            var keys = new ObjectMapper().readTree(http.get(prefix + "?unlinked").body()).get("keys");
            for (var k : keys) {
                if (k.asText().equals(key)) return new State("unlinked", unlinkedValue(key));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return State.ABSENT;
    }

    /** An unlinked value cannot be read through the coordinator: read its blob on a volume, as a RELINK would serve it. */
    private String unlinkedValue(String key) {
        long generation = cluster.generation(key);
        for (Replica r : cluster.placement(key)) {
            int i = cluster.volumePorts.indexOf(r.volume().port());
            Path blob = cluster.volumeData(i).resolve(BlobPath.of(new Key(key), generation, r).path().substring(1));
            try {
                if (Files.exists(blob)) return Files.readString(blob, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return null;
    }
}
