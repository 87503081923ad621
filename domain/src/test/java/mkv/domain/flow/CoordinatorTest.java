package mkv.domain.flow;

import static mkv.domain.Gens.T0;
import static mkv.domain.fake.FakeVolumes.Op.DELETE;
import static mkv.domain.fake.FakeVolumes.Op.SIDECAR;
import static mkv.domain.fake.FakeVolumes.Op.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Random;
import mkv.domain.Entry;
import mkv.domain.Removal;
import mkv.domain.Sweep;
import mkv.domain.HeldGeneration;
import mkv.domain.EntryState;
import mkv.domain.Gens;
import mkv.domain.Key;
import mkv.domain.ListQuery;
import mkv.domain.Md5;
import mkv.domain.DeleteResult;
import mkv.domain.PutResult;
import mkv.domain.ReadResult;
import mkv.domain.Replica;
import mkv.domain.Ring;
import mkv.domain.Sidecar;
import mkv.domain.Volume;
import mkv.domain.fake.FakeHealth;
import mkv.domain.fake.FakeVolumes;
import mkv.domain.fake.FakeVolumes.Call;
import mkv.domain.fake.InMemoryIndex;
import mkv.domain.fake.SettableClock;
import mkv.domain.port.Body;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;
import org.junit.jupiter.api.Test;

/**
 * The use cases against fakes that record every volume call and can fail any of them: these
 * prove the order of effects that keeps data safe (PHILOSOPHY.md, "The write protocol").
 */
class CoordinatorTest {

    private static final Key KEY = new Key("/photos/cat.jpg");
    private static final Md5 HELLO_MD5 = new Md5("5d41402abc4b2a76b9719d911017c592"); // md5("hello")
    private static final Ring RING = Ring.of(List.of(Gens.volume(1), Gens.volume(2), Gens.volume(3)), 64, 4);
    private static final Seq<Replica> TARGETS = RING.replicasFor(KEY, 2);
    private static final Replica FIRST = TARGETS.get(0);
    private static final Replica SECOND = TARGETS.get(1);
    private static final Volume SPARE = RING.volumes().removeAll(TARGETS.map(Replica::volume)).head();

    private final InMemoryIndex index = new InMemoryIndex();
    private final FakeVolumes volumes = new FakeVolumes();
    private final FakeHealth health = new FakeHealth();
    private final SettableClock clock = new SettableClock(T0);
    private final Coordinator coordinator = coordinator(false);

    private Coordinator coordinator(boolean protect) {
        return new Coordinator(index, volumes, health, clock, new Random(7),
                () -> new Policy(RING, 2, protect, Key.DEFAULT_MAX_BYTES, 1000, Option.none()));
    }

    private static Body body(String s) {
        return body(s, Option.none());
    }

    private static Body body(String s, Option<Md5> declared) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return new Body(new ByteArrayInputStream(b), b.length, declared);
    }

    /** A chunked body that delivers a few bytes, then the client goes away. */
    private static Body brokenBody() {
        InputStream in = new InputStream() {
            private int left = 3;

            @Override
            public int read() throws IOException {
                if (left-- > 0) return 'x';
                throw new IOException("connection reset by peer");
            }
        };
        return new Body(in, -1);
    }

    /** The state of the key's row, as a volume call sees it. */
    private java.util.List<String> watchRow() {
        java.util.List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>()); // written from parallel volume calls
        volumes.beforeEach(c -> seen.add(c.op() + " " + index.get(KEY).map(e -> e.state().name()).getOrElse("none")));
        return seen;
    }

    /** A key stored earlier: its row LIVE and its files on both targets. */
    private Entry storedLive() {
        Entry live = Entry.live(KEY, TARGETS, 5, HELLO_MD5, 0, T0);
        index.putAll(List.of(live));
        TARGETS.forEach(r -> volumes.seed(r, live.sidecar()));
        return live;
    }

    private static Transfer.Failed refused(Replica r) {
        return new Transfer.Failed(r, new VolumeFailure.Refused(507));
    }

    // ---- PUT ----

    @Test
    void put_reserves_a_writing_row_before_any_volume_write() {
        java.util.List<String> seen = watchRow();

        coordinator.put(KEY, body("hello"), "r1");

        assertThat(seen).first().isEqualTo("WRITE WRITING");
        assertThat(seen).containsExactly("WRITE WRITING", "WRITE WRITING", "SIDECAR WRITING", "SIDECAR WRITING");
    }

    @Test
    void put_makes_the_key_live_only_after_every_blob_and_sidecar() {
        PutResult result = coordinator.put(KEY, body("hello"), "r1");

        // The first write of an index gets generation 1: 0 is the mark of values written before generations.
        Entry live = Entry.live(KEY, TARGETS, 5, HELLO_MD5, 1, T0);
        assertThat(result).isEqualTo(new PutResult.Created(live));
        assertThat(index.get(KEY)).contains(live);
        assertThat(volumes.ops()).containsExactly(WRITE, WRITE, SIDECAR, SIDECAR);
        for (Replica r : TARGETS) {
            assertThat(volumes.holdsBlob(r, KEY, 1)).isTrue();
            assertThat(volumes.sidecar(r, KEY, 1)).contains(new Sidecar(KEY, 5, HELLO_MD5, EntryState.LIVE, T0, 1, Sidecar.FORMAT));
        }
    }

    @Test
    void a_failed_replica_write_rolls_back_every_target_and_removes_the_row() {
        volumes.failOn(WRITE, SECOND);

        PutResult result = coordinator.put(KEY, body("hello"), "r1");

        assertThat(result).isEqualTo(new PutResult.ReplicaFailed(List.of(refused(SECOND))));
        assertThat(volumes.ops()).containsExactly(WRITE, WRITE, DELETE, DELETE, DELETE, DELETE); // each replica's blob, then its sidecar
        assertThat(volumes.calls().subList(2, 4)).extracting(Call::replica).containsExactlyInAnyOrderElementsOf(TARGETS);
        assertThat(volumes.calls().subList(4, 6)).extracting(Call::replica).containsExactlyInAnyOrderElementsOf(TARGETS);
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void a_failed_sidecar_rolls_back_every_target_and_removes_the_row() {
        volumes.failOn(SIDECAR, FIRST);

        PutResult result = coordinator.put(KEY, body("hello"), "r1");

        assertThat(result).isEqualTo(new PutResult.ReplicaFailed(List.of(refused(FIRST))));
        assertThat(volumes.ops()).containsExactly(WRITE, WRITE, SIDECAR, SIDECAR, DELETE, DELETE, DELETE, DELETE);
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void failing_at_any_step_of_a_put_leaves_neither_row_nor_file() {
        for (int step = 1; step <= 4; step++) {
            InMemoryIndex idx = new InMemoryIndex();
            FakeVolumes vols = new FakeVolumes().failAtStep(step);
            Coordinator c = new Coordinator(idx, vols, health, clock, new Random(7),
                    () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()));

            assertThat(c.put(KEY, body("hello"), "r1")).as("fail at step %d", step).isInstanceOf(PutResult.ReplicaFailed.class);
            assertThat(idx.get(KEY)).as("row after failing step %d", step).isEmpty();
            assertThat(vols.files()).as("files after failing step %d", step).isZero();
        }
    }

    @Test
    void a_rollback_whose_delete_fails_leaves_the_row_writing_for_recovery() {
        volumes.failOn(WRITE, FIRST).failOn(DELETE, SECOND);

        PutResult result = coordinator.put(KEY, body("hello"), "r1");

        assertThat(result).isEqualTo(new PutResult.ReplicaFailed(List.of(refused(FIRST))));
        assertThat(index.get(KEY)).contains(Entry.writing(KEY, TARGETS, 1, T0).abandoned(T0)); // marked as answered: recovery deletes it
        // The file the failed delete left behind is named by the WRITING row.
        assertThat(volumes.holdsBlob(SECOND, KEY)).isTrue();
    }

    @Test
    void a_rollback_leaves_the_replica_on_a_suspect_volume_to_recovery_instead_of_waiting_on_it() {
        volumes.failOn(WRITE, SECOND);
        health.suspect(SECOND.volume());

        PutResult result = coordinator.put(KEY, body("hello"), "r1");

        assertThat(result).isEqualTo(new PutResult.ReplicaFailed(List.of(refused(SECOND))));
        assertThat(volumes.ops()).containsExactly(WRITE, WRITE, DELETE);
        assertThat(volumes.calls().get(2).replica()).isEqualTo(FIRST);
        assertThat(volumes.holdsBlob(FIRST, KEY)).isFalse();
        // The row still names both replicas, so recovery deletes whatever the suspect volume holds.
        assertThat(index.get(KEY)).contains(Entry.writing(KEY, TARGETS, 1, T0).abandoned(T0)); // marked as answered: recovery deletes it
    }

    @Test
    void an_empty_chunked_body_is_rolled_back_as_empty_body() {
        PutResult result = coordinator.put(KEY, new Body(new ByteArrayInputStream(new byte[0]), -1), "r1");

        assertThat(result).isEqualTo(new PutResult.EmptyBody());
        assertThat(volumes.ops()).containsExactly(WRITE, WRITE, DELETE, DELETE, DELETE, DELETE); // each replica's blob, then its sidecar
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void a_body_declared_empty_is_refused_before_anything() {
        PutResult result = coordinator.put(KEY, new Body(new ByteArrayInputStream(new byte[0]), 0), "r1");

        assertThat(result).isEqualTo(new PutResult.EmptyBody());
        assertThat(volumes.calls()).isEmpty();
        assertThat(index.count()).isZero();
    }

    @Test
    void a_body_that_breaks_off_is_rolled_back_as_body_broken() {
        PutResult result = coordinator.put(KEY, brokenBody(), "r1");

        assertThat(result).isEqualTo(new PutResult.BodyBroken("connection reset by peer"));
        assertThat(volumes.ops()).containsExactly(WRITE, WRITE, DELETE, DELETE, DELETE, DELETE); // each replica's blob, then its sidecar
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void a_body_whose_md5_differs_from_the_declared_one_is_rolled_back_without_sidecars_and_the_key_stays_writable() {
        Md5 wrong = Gens.md5(1);
        java.util.List<String> seen = watchRow();

        PutResult result = coordinator.put(KEY, body("hello", Option.of(wrong)), "r1");

        assertThat(result).isEqualTo(new PutResult.Md5Mismatch(wrong, HELLO_MD5));
        // The same path as a failed replica: the bytes went out under a WRITING row, then every
        // target was deleted before the row; no sidecar was ever written.
        assertThat(seen).containsExactly("WRITE WRITING", "WRITE WRITING", "DELETE WRITING", "DELETE WRITING", "DELETE WRITING", "DELETE WRITING");
        assertThat(volumes.calls().subList(2, 4)).extracting(Call::replica).containsExactlyInAnyOrderElementsOf(TARGETS);
        assertThat(volumes.calls().subList(4, 6)).extracting(Call::replica).containsExactlyInAnyOrderElementsOf(TARGETS);
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();

        assertThat(coordinator.put(KEY, body("hello", Option.of(HELLO_MD5)), "r2")).isInstanceOf(PutResult.Created.class);
        assertThat(index.get(KEY).get().md5()).contains(HELLO_MD5);
    }

    @Test
    void a_wrong_declared_md5_whose_rollback_delete_fails_leaves_the_row_writing_for_recovery() {
        volumes.failOn(DELETE, SECOND);

        PutResult result = coordinator.put(KEY, body("hello", Option.of(Gens.md5(1))), "r1");

        assertThat(result).isEqualTo(new PutResult.Md5Mismatch(Gens.md5(1), HELLO_MD5));
        assertThat(index.get(KEY)).contains(Entry.writing(KEY, TARGETS, 1, T0).abandoned(T0)); // marked as answered: recovery deletes it
        assertThat(volumes.holdsBlob(SECOND, KEY)).isTrue();
        assertThat(volumes.ops()).doesNotContain(SIDECAR);
    }

    @Test
    void put_on_a_live_key_is_already_exists_and_touches_no_volume() {
        Entry live = storedLive();

        assertThat(coordinator.put(KEY, body("other"), "r1")).isEqualTo(new PutResult.AlreadyExists());
        assertThat(volumes.calls()).isEmpty();
        assertThat(index.get(KEY)).contains(live);
    }

    @Test
    void put_with_a_target_down_is_unavailable_and_writes_nothing() {
        health.down(SECOND.volume());

        assertThat(coordinator.put(KEY, body("hello"), "r1")).isEqualTo(new PutResult.Unavailable(List.of(SECOND.volume())));
        assertThat(volumes.calls()).isEmpty();
        assertThat(index.count()).isZero();
    }

    @Test
    void put_ignores_a_down_volume_that_is_not_a_target() {
        health.down(SPARE);

        assertThat(coordinator.put(KEY, body("hello"), "r1")).isInstanceOf(PutResult.Created.class);
    }

    /** An unlinked value of generation 0 on the spare volume and the first target (an older ring). */
    private Entry storedUnlinked() {
        Replica old = new Replica(SPARE, 1);
        Entry unlinked = new Entry(KEY, EntryState.UNLINKED, List.of(old, FIRST), 3, Option.of(Gens.md5(3)), T0, T0);
        index.putAll(List.of(unlinked));
        unlinked.replicas().forEach(r -> volumes.seed(r, unlinked.sidecar()));
        return unlinked;
    }

    /** The unlinked value's files are all there, as they were. */
    private void holdsWhole(FakeVolumes vols, Entry value) {
        for (Replica r : value.replicas()) {
            assertThat(vols.holdsBlob(r, value.key(), value.generation())).as("blob on " + r).isTrue();
            assertThat(vols.sidecar(r, value.key(), value.generation())).as("sidecar on " + r).contains(value.sidecar());
        }
    }

    @Test
    void put_over_an_unlinked_key_writes_a_new_generation_beside_it_and_switches_in_one_commit() {
        Entry unlinked = storedUnlinked();
        java.util.List<Option<Entry>> rows = java.util.Collections.synchronizedList(new ArrayList<>());
        volumes.beforeEach(c -> rows.add(index.get(KEY)));
        clock.advance(Duration.ofMinutes(1));

        PutResult result = coordinator.put(KEY, body("hello"), "r1");

        // While in flight, the row kept the unlinked value exactly and named the pending generation.
        HeldGeneration pending = new HeldGeneration(1, TARGETS, T0.plusSeconds(60));
        assertThat(rows).hasSize(4).allSatisfy(row -> assertThat(row).contains(unlinked.withPending(Option.some(pending), T0.plusSeconds(60))));
        Entry live = new Entry(KEY, EntryState.LIVE, TARGETS, 5, Option.of(HELLO_MD5), T0.plusSeconds(60), T0.plusSeconds(60), 1,
                Option.none(), List.of(unlinked.current(T0.plusSeconds(60))));
        assertThat(result).isEqualTo(new PutResult.Created(live));
        assertThat(index.get(KEY)).contains(live);
        // Nothing was deleted: the old value's files wait out the retire grace.
        assertThat(volumes.ops()).containsExactly(WRITE, WRITE, SIDECAR, SIDECAR);
        holdsWhole(volumes, unlinked);
        holdsWhole(volumes, live);

        // The sweep leaves them within the grace, and deletes them after it.
        Duration grace = Duration.ofMinutes(5);
        assertThat(coordinator.sweep(clock.instant(), clock.instant().minus(grace), 10, "sweep")).isZero();
        clock.advance(grace.plusSeconds(1));
        assertThat(coordinator.sweep(clock.instant(), clock.instant().minus(grace), 10, "sweep")).isEqualTo(1);
        assertThat(index.get(KEY)).contains(live.withRetired(List.empty(), live.updated()));
        assertThat(volumes.files()).isEqualTo(4);
        holdsWhole(volumes, live);
    }

    @Test
    void failing_at_any_step_of_a_replace_leaves_the_old_value_whole_and_no_file_without_a_row() {
        for (int step = 1; step <= 4; step++) {
            InMemoryIndex idx = new InMemoryIndex();
            FakeVolumes vols = new FakeVolumes();
            Replica old = new Replica(SPARE, 1);
            Entry unlinked = new Entry(KEY, EntryState.UNLINKED, List.of(old, FIRST), 3, Option.of(Gens.md5(3)), T0, T0);
            idx.putAll(List.of(unlinked));
            unlinked.replicas().forEach(r -> vols.seed(r, unlinked.sidecar()));
            vols.failAtStep(step);
            Coordinator c = new Coordinator(idx, vols, health, clock, new Random(7),
                    () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()));

            assertThat(c.put(KEY, body("hello"), "r1")).as("fail at step %d", step).isInstanceOf(PutResult.ReplicaFailed.class);

            assertThat(idx.get(KEY)).as("row after failing step %d", step).contains(unlinked);
            holdsWhole(vols, unlinked);
            for (Replica r : List.of(old, FIRST, SECOND)) {
                assertThat(vols.generations(r, KEY)).as("generations on %s after step %d", r, step).isSubsetOf(0L);
            }
        }
    }

    @Test
    void a_replace_whose_rollback_delete_fails_keeps_the_pending_generation_named_until_recovery_deletes_it() {
        Entry unlinked = storedUnlinked();
        volumes.failOn(WRITE, FIRST).failOn(DELETE, SECOND);

        assertThat(coordinator.put(KEY, body("hello"), "r1")).isInstanceOf(PutResult.ReplicaFailed.class);

        Entry row = index.get(KEY).get();
        assertThat(row.pending()).contains(new HeldGeneration(1, TARGETS, T0));
        assertThat(volumes.holdsBlob(SECOND, KEY, 1)).isTrue(); // named by the row's pending write
        holdsWhole(volumes, unlinked);
        assertThat(coordinator.locate(KEY)).isEqualTo(new ReadResult.Absent());
        assertThat(coordinator.put(KEY, body("again"), "r2")).isEqualTo(new PutResult.Busy());

        // Recovery, once the volume is back: the pending generation's files go, then the mark.
        volumes.heal();
        clock.advance(Duration.ofMinutes(2));
        assertThat(coordinator.sweep(clock.instant().minusSeconds(60), clock.instant().minusSeconds(300), 10, "recovery")).isEqualTo(1);
        assertThat(index.get(KEY)).contains(row.withPending(Option.none(), row.updated()));
        assertThat(volumes.generations(SECOND, KEY)).isEmpty();
        holdsWhole(volumes, unlinked);
        // The key can be written again.
        assertThat(coordinator.put(KEY, body("hello"), "r3")).isInstanceOf(PutResult.Created.class);
    }

    @Test
    void a_pending_replace_younger_than_the_cutoff_or_locked_by_its_request_is_left_alone() {
        Entry unlinked = storedUnlinked();
        java.util.List<Integer> swept = new ArrayList<>();
        volumes.beforeEach(c -> {
            if (c.step() == 1) swept.add(coordinator.sweep(clock.instant().plusSeconds(3600), clock.instant(), 10, "recovery"));
        });

        assertThat(coordinator.put(KEY, body("hello"), "r1")).isInstanceOf(PutResult.Created.class);

        assertThat(swept).containsExactly(0); // the request held the key: its pending write was not touched
        assertThat(index.get(KEY).get().generation()).isEqualTo(1);
        assertThat(Sweep.of(index.get(KEY).get().withPending(Option.some(new HeldGeneration(9, TARGETS, T0)), T0), T0, T0)).isEmpty();
        holdsWhole(volumes, unlinked);
    }

    @Test
    void recovery_completes_a_new_write_that_reached_every_replica_whole_and_was_never_answered() {
        // As after kill -9 just before the LIVE commit, or an index copied while the write was in flight.
        Entry writing = Entry.writing(KEY, TARGETS, 42, T0);
        index.putAll(List.of(writing));
        Entry whole = Entry.live(KEY, TARGETS, 5, HELLO_MD5, 42, T0);
        TARGETS.forEach(r -> volumes.seed(r, whole.sidecar()));
        clock.advance(Duration.ofMinutes(5));

        assertThat(coordinator.recover(clock.instant(), 10, "recovery")).isEqualTo(1);

        Entry row = index.get(KEY).get();
        assertThat(row.state()).isEqualTo(EntryState.LIVE);
        assertThat(row.md5()).contains(HELLO_MD5);
        assertThat(row.generation()).isEqualTo(42);
        TARGETS.forEach(r -> assertThat(volumes.holdsBlob(r, KEY, 42)).isTrue());
    }

    @Test
    void recovery_deletes_a_write_answered_as_failed_even_if_its_files_ended_up_whole() {
        // A sidecar write that timed out may still land: a write its client was told failed is never completed.
        Entry abandoned = Entry.writing(KEY, TARGETS, 42, T0).abandoned(T0.plusSeconds(1));
        index.putAll(List.of(abandoned));
        Entry whole = Entry.live(KEY, TARGETS, 5, HELLO_MD5, 42, T0);
        TARGETS.forEach(r -> volumes.seed(r, whole.sidecar()));
        clock.advance(Duration.ofMinutes(5));

        assertThat(coordinator.recover(clock.instant(), 10, "recovery")).isEqualTo(1);

        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void a_write_that_fails_and_cannot_delete_its_files_marks_its_row_as_answered() {
        volumes.failOn(SIDECAR, SECOND).failOn(DELETE, SECOND);

        assertThat(coordinator.put(KEY, body("hello"), "r1")).isInstanceOf(PutResult.ReplicaFailed.class);

        Entry row = index.get(KEY).get();
        assertThat(row.is(EntryState.WRITING)).isTrue();
        assertThat(row.unanswered()).isFalse();
    }

    @Test
    void recovery_switches_to_a_stale_pending_replace_that_reached_every_replica_whole() {
        Entry unlinked = storedUnlinked();
        Entry marked = unlinked.withPending(Option.some(new HeldGeneration(42, TARGETS, T0.plusSeconds(1))), T0.plusSeconds(1));
        index.putAll(List.of(marked));
        Entry whole = Entry.live(KEY, TARGETS, 5, HELLO_MD5, 42, T0.plusSeconds(1));
        TARGETS.forEach(r -> volumes.seed(r, whole.sidecar()));
        clock.advance(Duration.ofMinutes(5));

        assertThat(coordinator.sweep(clock.instant(), T0, 10, "recovery")).isEqualTo(1);

        Entry row = index.get(KEY).get();
        assertThat(row.state()).isEqualTo(EntryState.LIVE);
        assertThat(row.generation()).isEqualTo(42);
        assertThat(row.pending()).isEmpty();
        assertThat(row.retired().map(HeldGeneration::generation)).containsExactly(unlinked.generation());
        holdsWhole(volumes, unlinked); // retired, not yet deleted: a redirect handed out before may still be followed
    }

    @Test
    void a_replace_interrupted_at_any_step_resolves_after_recovery_to_the_old_value_or_the_new_never_neither() {
        qt().withExamples(60).forAll(integers().between(1, 5), integers().between(0, 1)).checkAssert((step, kind) -> {
            InMemoryIndex idx = new InMemoryIndex();
            FakeVolumes vols = new FakeVolumes();
            Replica old = new Replica(SPARE, 1);
            Entry unlinked = new Entry(KEY, EntryState.UNLINKED, List.of(old, FIRST), 3, Option.of(Gens.md5(3)), T0, T0);
            idx.putAll(List.of(unlinked));
            unlinked.replicas().forEach(r -> vols.seed(r, unlinked.sidecar()));
            // kind 0: the process dies just before call n (nothing after it happens); kind 1: call n fails.
            if (kind == 0) {
                vols.beforeEach(c -> {
                    if (c.step() == step) throw new IllegalStateException("killed");
                });
            } else {
                vols.failAtStep(step);
            }
            Coordinator c = new Coordinator(idx, vols, health, clock, new Random(7),
                    () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()));
            try {
                c.put(KEY, body("hello"), "r1");
            } catch (IllegalStateException killed) {
                // as after kill -9: the row and files stay as they were at that moment
            }
            vols.beforeEach(x -> {});
            vols.heal();
            // Recovery in a new process: every pending write is older than its start.
            Coordinator restarted = new Coordinator(idx, vols, health, clock, new Random(7),
                    () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()));
            restarted.recover(T0.plusSeconds(3600), 100, "recovery");
            restarted.sweep(T0.plusSeconds(3600), T0.plusSeconds(3600), 100, "recovery");

            Entry row = idx.get(KEY).getOrElseThrow(() -> new AssertionError("neither old nor new: the row is gone"));
            assertThat(row.pending()).isEmpty();
            if (row.generation() == 0) {
                assertThat(row).isEqualTo(unlinked.withPending(Option.none(), row.updated()));
                holdsWhole(vols, unlinked);
            } else {
                assertThat(row.md5()).contains(HELLO_MD5);
                assertThat(row.is(EntryState.LIVE)).isTrue();
                holdsWhole(vols, row);
            }
            // No file without a row naming it.
            for (Replica r : List.of(old, FIRST, SECOND)) {
                for (long g : vols.generations(r, KEY)) {
                    assertThat(row.names(r, mkv.domain.BlobPath.of(KEY, g, r))).as("generation %d on %s", g, r).isTrue();
                }
            }
        });
    }

    @Test
    void delete_after_a_replace_removes_the_retired_generation_too() {
        storedUnlinked();
        assertThat(coordinator.put(KEY, body("hello"), "r1")).isInstanceOf(PutResult.Created.class);

        assertThat(coordinator.delete(KEY, "r2")).isEqualTo(new DeleteResult.Deleted());

        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void if_match_replaces_a_live_value_and_readers_see_the_old_one_until_the_switch_then_the_new_one() throws Exception {
        Entry old = storedLive();
        java.util.List<ReadResult> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        volumes.beforeEach(c -> seen.add(coordinator.locate(KEY)));
        clock.advance(Duration.ofSeconds(30));

        PutResult result = coordinator.put(KEY, new mkv.domain.PutCondition.ReplaceIf(HELLO_MD5), body("world"), "r1");

        assertThat(result).isInstanceOf(PutResult.Created.class);
        Entry now = ((PutResult.Created) result).entry();
        // Every read during the replace found the old value, at its own (generation 0) paths.
        assertThat(seen).hasSize(4).allSatisfy(r -> {
            assertThat(r).isInstanceOf(ReadResult.Found.class);
            Entry e = ((ReadResult.Found) r).entry();
            assertThat(e.generation()).isEqualTo(old.generation());
            assertThat(e.md5()).isEqualTo(old.md5());
            assertThat(coordinator.url(((ReadResult.Found) r).replica(), e)).doesNotContain(".1");
        });
        assertThat(now.generation()).isEqualTo(1);
        assertThat(now.md5()).contains(Md5.of(java.security.MessageDigest.getInstance("MD5").digest("world".getBytes(StandardCharsets.UTF_8))));
        assertThat(now.retired()).containsExactly(old.current(T0.plusSeconds(30)));
        ReadResult after = coordinator.locate(KEY);
        assertThat(((ReadResult.Found) after).entry()).isEqualTo(now);
        // The old value is still whole for a reader holding an earlier redirect.
        holdsWhole(volumes, old);
        holdsWhole(volumes, now);
    }

    @Test
    void a_failed_replace_of_a_live_value_leaves_it_live_whole_and_readable_at_every_step() {
        for (int step = 1; step <= 4; step++) {
            InMemoryIndex idx = new InMemoryIndex();
            FakeVolumes vols = new FakeVolumes();
            Entry live = Entry.live(KEY, TARGETS, 5, HELLO_MD5, 0, T0);
            idx.putAll(List.of(live));
            TARGETS.forEach(r -> vols.seed(r, live.sidecar()));
            vols.failAtStep(step);
            Coordinator c = new Coordinator(idx, vols, health, clock, new Random(7),
                    () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()));
            java.util.List<ReadResult> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            vols.beforeEach(x -> seen.add(c.locate(KEY)));

            assertThat(c.put(KEY, new mkv.domain.PutCondition.ReplaceAny(), body("world"), "r1")).as("step %d", step)
                    .isInstanceOf(PutResult.ReplicaFailed.class);

            assertThat(seen).as("reads during step %d", step).allSatisfy(r -> assertThat(r).isInstanceOf(ReadResult.Found.class));
            assertThat(idx.get(KEY)).as("row after step %d", step).contains(live);
            holdsWhole(vols, live);
            for (Replica r : TARGETS) assertThat(vols.generations(r, KEY)).as("files on %s after step %d", r, step).containsExactly(0L);
        }
    }

    @Test
    void conditional_puts_answer_no_live_value_or_precondition_failed_and_touch_nothing() {
        assertThat(coordinator.put(KEY, new mkv.domain.PutCondition.ReplaceAny(), body("x"), "r1")).isEqualTo(new PutResult.NoLiveValue());
        assertThat(coordinator.put(KEY, new mkv.domain.PutCondition.ReplaceIf(HELLO_MD5), body("x"), "r2"))
                .isEqualTo(new PutResult.PreconditionFailed());
        Entry live = storedLive();
        assertThat(coordinator.put(KEY, new mkv.domain.PutCondition.ReplaceIf(Gens.md5(9)), body("x"), "r3"))
                .isEqualTo(new PutResult.PreconditionFailed());
        assertThat(coordinator.put(KEY, new mkv.domain.PutCondition.CreateOnly(), body("x"), "r4")).isEqualTo(new PutResult.AlreadyExists());
        assertThat(volumes.calls()).isEmpty();
        assertThat(index.get(KEY)).contains(live);
    }

    @Test
    void a_second_put_while_the_first_holds_the_key_is_busy() {
        java.util.List<Object> inner = new ArrayList<>();
        volumes.beforeEach(c -> {
            if (c.step() == 1) {
                inner.add(coordinator.put(KEY, body("other"), "r2"));
                inner.add(coordinator.delete(KEY, "r3"));
                inner.add(coordinator.unlink(KEY, "r4"));
            }
        });

        PutResult outer = coordinator.put(KEY, body("hello"), "r1");

        assertThat(inner).containsExactly(new PutResult.Busy(), new DeleteResult.Busy(), new DeleteResult.Busy());
        assertThat(outer).isInstanceOf(PutResult.Created.class);
        assertThat(volumes.calls()).extracting(Call::step).containsExactly(1, 2, 3, 4);
    }

    @Test
    void a_put_while_another_coordinator_writes_the_key_is_busy() {
        index.putAll(List.of(Entry.writing(KEY, TARGETS, 0, T0)));

        assertThat(coordinator.put(KEY, body("hello"), "r1")).isEqualTo(new PutResult.Busy());
        assertThat(volumes.calls()).isEmpty();
    }

    @Test
    void a_writing_row_an_earlier_process_left_is_settled_by_the_request_that_meets_it() {
        Entry leftover = Entry.writing(KEY, TARGETS, 0, T0);
        index.putAll(List.of(leftover));
        volumes.seedBlob(FIRST, KEY, 5, HELLO_MD5);
        clock.advance(java.time.Duration.ofSeconds(1));
        Coordinator restarted = new Coordinator(index, volumes, health, clock, new Random(7),
                () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()), clock.instant());

        assertThat(restarted.put(KEY, body("hello"), "r1")).isInstanceOf(PutResult.Created.class);
        assertThat(index.get(KEY).get().is(EntryState.LIVE)).isTrue();
        assertThat(volumes.calls().get(0).op()).isEqualTo(FakeVolumes.Op.DELETE);
    }

    @Test
    void a_replace_an_earlier_process_left_pending_is_settled_by_the_request_that_meets_it() {
        Entry live = storedLive();
        Entry marked = live.withPending(Option.some(new HeldGeneration(7, TARGETS, T0)), T0);
        index.replace(live, marked);
        // What the killed replace had written of its generation: blob and sidecar on one target.
        volumes.seed(FIRST, new Sidecar(KEY, 3, Gens.md5(7), EntryState.LIVE, T0, 7, Sidecar.FORMAT));
        clock.advance(Duration.ofSeconds(1));
        Coordinator restarted = new Coordinator(index, volumes, health, clock, new Random(7),
                () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()), clock.instant());

        assertThat(restarted.put(KEY, new mkv.domain.PutCondition.ReplaceAny(), body("world"), "r1")).isInstanceOf(PutResult.Created.class);

        // The pending generation's files went first; the value it was beside was then replaced as usual.
        for (Replica r : TARGETS) assertThat(volumes.generations(r, KEY)).as("%s", r).doesNotContain(7L);
        assertThat(index.get(KEY).get().retired()).extracting(HeldGeneration::generation).containsExactly(0L);
        holdsWhole(volumes, live);
    }

    @Test
    void a_writing_row_of_this_process_is_not_settled_by_another_request() {
        Coordinator started = new Coordinator(index, volumes, health, clock, new Random(7),
                () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()), clock.instant());
        index.putAll(List.of(Entry.writing(KEY, TARGETS, 0, clock.instant())));

        assertThat(started.put(KEY, body("hello"), "r1")).isEqualTo(new PutResult.Busy());
        assertThat(started.delete(KEY, "r2")).isEqualTo(new DeleteResult.Busy());
        assertThat(volumes.calls()).isEmpty();
    }

    @Test
    void the_lock_is_released_after_every_put() {
        volumes.failOn(WRITE, FIRST);
        assertThat(coordinator.put(KEY, body("hello"), "r1")).isInstanceOf(PutResult.ReplicaFailed.class);
        volumes.heal();

        assertThat(coordinator.put(KEY, body("hello"), "r2")).isInstanceOf(PutResult.Created.class);
    }

    // ---- DELETE ----

    @Test
    void delete_marks_the_row_writing_before_deleting_and_removes_it_after() {
        storedLive();
        java.util.List<String> seen = watchRow();

        assertThat(coordinator.delete(KEY, "r1")).isEqualTo(new DeleteResult.Deleted());

        assertThat(seen).containsExactly("DELETE WRITING", "DELETE WRITING", "DELETE WRITING", "DELETE WRITING");
        // Every blob first, then every sidecar.
        assertThat(volumes.calls().subList(0, 2)).extracting(Call::replica).containsExactlyInAnyOrderElementsOf(TARGETS);
        assertThat(volumes.calls().subList(2, 4)).extracting(Call::replica).containsExactlyInAnyOrderElementsOf(TARGETS);
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    /** A coordinator whose DELETEs leave their sidecar removals in {@code later}, as a server's run them after the answer. */
    private Coordinator deferring(java.util.ArrayDeque<Runnable> later, java.time.Instant since) {
        return new Coordinator(index, volumes, health, clock, new Random(7),
                () -> new Policy(RING, 2, false, Key.DEFAULT_MAX_BYTES, 1000, Option.none()), since, later::add);
    }

    @Test
    void delete_answers_once_every_blob_is_gone_and_removes_the_sidecars_and_then_the_row_after_the_answer() {
        Entry live = storedLive();
        java.util.ArrayDeque<Runnable> later = new java.util.ArrayDeque<>();
        Coordinator c = deferring(later, T0.minusSeconds(1));

        assertThat(c.delete(KEY, "r1")).isEqualTo(new DeleteResult.Deleted());

        // Answered: the blobs are gone, the sidecars and the WRITING row that names them are not yet.
        assertThat(volumes.ops()).containsExactly(DELETE, DELETE);
        for (Replica r : TARGETS) {
            assertThat(volumes.holdsBlob(r, KEY)).as("%s", r).isFalse();
            assertThat(volumes.sidecar(r, KEY).isDefined()).as("%s", r).isTrue();
        }
        assertThat(index.get(KEY).map(e -> e.is(EntryState.WRITING))).contains(true);
        assertThat(c.locate(KEY)).isEqualTo(new ReadResult.Absent());
        assertThat(later).hasSize(1);

        later.poll().run();

        assertThat(volumes.ops()).containsExactly(DELETE, DELETE, DELETE, DELETE);
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
        assertThat(live.replicas()).isEqualTo(TARGETS);
    }

    @Test
    void a_request_for_a_deleted_key_whose_sidecars_are_still_owed_removes_them_first_and_is_not_refused() {
        storedLive();
        java.util.ArrayDeque<Runnable> later = new java.util.ArrayDeque<>();
        Coordinator c = deferring(later, T0.minusSeconds(1));
        assertThat(c.delete(KEY, "r1")).isEqualTo(new DeleteResult.Deleted());

        // A second DELETE: the key is absent (404), not busy, and its files are all gone by then.
        assertThat(c.delete(KEY, "r2")).isEqualTo(new DeleteResult.Absent());
        assertThat(volumes.files()).isZero();
        assertThat(index.get(KEY)).isEmpty();
        // A PUT right after is a new key.
        assertThat(c.put(KEY, body("again"), "r3")).isInstanceOf(PutResult.Created.class);
        Entry again = index.get(KEY).get();

        // The removal left for after the answer finds its work done and touches nothing.
        int calls = volumes.calls().size();
        later.forEach(Runnable::run);
        assertThat(volumes.calls()).hasSize(calls);
        assertThat(index.get(KEY)).contains(again);
        holdsWhole(volumes, again);
    }

    @Test
    void a_delete_whose_process_stops_before_its_sidecars_went_is_finished_by_recovery() {
        storedLive();
        java.util.ArrayDeque<Runnable> later = new java.util.ArrayDeque<>();
        assertThat(deferring(later, T0.minusSeconds(1)).delete(KEY, "r1")).isEqualTo(new DeleteResult.Deleted());
        later.clear(); // the process stops before it removes the sidecars

        clock.advance(Duration.ofMinutes(10));
        Coordinator restarted = deferring(later, clock.instant());
        assertThat(restarted.recover(clock.instant(), 10, "recovery")).isEqualTo(1);
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void a_sidecar_removal_that_fails_after_the_answer_leaves_the_row_naming_the_sidecars_for_recovery() {
        Entry live = storedLive();
        java.util.ArrayDeque<Runnable> later = new java.util.ArrayDeque<>();
        Coordinator c = deferring(later, T0.minusSeconds(1));
        assertThat(c.delete(KEY, "r1")).isEqualTo(new DeleteResult.Deleted());
        volumes.failOn(DELETE, SECOND);
        later.poll().run();

        assertThat(index.get(KEY)).contains(Removal.deleting(live, T0));
        assertThat(volumes.sidecar(SECOND, KEY).isDefined()).isTrue();
        assertThat(c.locate(KEY)).isEqualTo(new ReadResult.Absent());

        volumes.heal();
        clock.advance(Duration.ofMinutes(2));
        assertThat(c.recover(clock.instant().minusSeconds(60), 10, "recovery")).isEqualTo(1);
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void a_partly_failed_delete_stands_keeps_the_row_writing_naming_every_file_and_recovery_finishes_it() {
        Entry live = storedLive();
        volumes.failOn(DELETE, SECOND);
        clock.advance(Duration.ofSeconds(30));

        assertThat(coordinator.delete(KEY, "r1")).isEqualTo(new DeleteResult.Incomplete(List.of(refused(SECOND))));
        // The delete is not undone: the key reads as absent, and the row names the files left.
        assertThat(index.get(KEY)).contains(Removal.deleting(live, T0.plusSeconds(30)));
        assertThat(coordinator.locate(KEY)).isEqualTo(new ReadResult.Absent());
        assertThat(coordinator.put(KEY, body("new"), "r2")).isEqualTo(new PutResult.Busy());
        // The blob that went leaves its sidecar behind until every blob is gone: a rebuild reads
        // that as a delete under way, and never makes the other replica's whole copy live.
        assertThat(volumes.holdsBlob(FIRST, KEY)).isFalse();
        assertThat(volumes.sidecar(FIRST, KEY).isDefined()).isTrue();

        // Recovery, once the volume answers again.
        volumes.heal();
        clock.advance(Duration.ofMinutes(2));
        assertThat(coordinator.recover(clock.instant().minusSeconds(60), 10, "recovery")).isEqualTo(1);
        assertThat(index.get(KEY)).isEmpty();
        assertThat(volumes.files()).isZero();
    }

    @Test
    void under_protect_a_live_key_is_refused_until_it_is_unlinked() {
        Entry live = storedLive();
        Coordinator protective = coordinator(true);

        assertThat(protective.delete(KEY, "r1")).isEqualTo(new DeleteResult.Protected());
        assertThat(volumes.calls()).isEmpty();
        assertThat(index.get(KEY)).contains(live);

        assertThat(protective.unlink(KEY, "r2")).isEqualTo(new DeleteResult.Deleted());
        assertThat(protective.delete(KEY, "r3")).isEqualTo(new DeleteResult.Deleted());
        assertThat(index.get(KEY)).isEmpty();
    }

    @Test
    void deleting_an_absent_key_is_absent() {
        assertThat(coordinator.delete(KEY, "r1")).isEqualTo(new DeleteResult.Absent());
        assertThat(volumes.calls()).isEmpty();
    }

    @Test
    void delete_with_a_replica_down_touches_nothing() {
        Entry live = storedLive();
        health.down(FIRST.volume());

        assertThat(coordinator.delete(KEY, "r1")).isEqualTo(new DeleteResult.Unavailable(List.of(FIRST.volume())));
        assertThat(volumes.calls()).isEmpty();
        assertThat(index.get(KEY)).contains(live);
    }

    // ---- UNLINK ----

    @Test
    void unlink_commits_the_row_owing_its_sidecars_rewrites_them_then_settles_the_row() {
        storedLive();
        java.util.List<String> seen = watchRow();
        volumes.beforeEach(c -> seen.add(c.op() + " " + index.get(KEY).map(e -> e.state().name() + (e.owed() ? " owed" : "")).getOrElse("none")));
        clock.advance(Duration.ofMinutes(5));

        assertThat(coordinator.unlink(KEY, "r1")).isEqualTo(new DeleteResult.Deleted());

        assertThat(seen).containsExactly("SIDECAR UNLINKED owed", "SIDECAR UNLINKED owed");
        Sidecar unlinkedSidecar = new Sidecar(KEY, 5, HELLO_MD5, EntryState.UNLINKED, T0, Sidecar.FORMAT);
        assertThat(volumes.calls()).extracting(c -> c.sidecar().get()).containsOnly(unlinkedSidecar);
        TARGETS.forEach(r -> assertThat(volumes.sidecar(r, KEY)).contains(unlinkedSidecar));
        assertThat(index.get(KEY)).contains(new Entry(KEY, EntryState.UNLINKED, TARGETS, 5, Option.of(HELLO_MD5), T0, T0.plusSeconds(300)));
        assertThat(coordinator.locate(KEY)).isEqualTo(new ReadResult.Absent());
        // Blobs stay: unlink is a soft delete.
        TARGETS.forEach(r -> assertThat(volumes.holdsBlob(r, KEY)).isTrue());
    }

    @Test
    void a_failed_unlink_sidecar_write_still_unlinks_and_recovery_rewrites_the_sidecar_once_the_volume_answers() {
        Entry live = storedLive();
        volumes.failOn(SIDECAR, SECOND);
        clock.advance(Duration.ofSeconds(10));

        assertThat(coordinator.unlink(KEY, "r1")).isEqualTo(new DeleteResult.Incomplete(List.of(refused(SECOND))));
        Entry owing = Removal.intent(live, EntryState.UNLINKED, T0.plusSeconds(10));
        assertThat(index.get(KEY)).contains(owing);
        assertThat(coordinator.locate(KEY)).isEqualTo(new ReadResult.Absent());
        assertThat(volumes.sidecar(SECOND, KEY).get().state()).isEqualTo(EntryState.LIVE);

        // Not before the cutoff (a request of this process may be making the change), then once the volume answers.
        assertThat(coordinator.sweep(T0, T0, 10, "recovery")).isZero();
        volumes.heal();
        clock.advance(Duration.ofMinutes(2));
        assertThat(coordinator.sweep(clock.instant().minusSeconds(60), clock.instant().minusSeconds(300), 10, "recovery")).isEqualTo(1);
        assertThat(index.get(KEY).get().owed()).isFalse();
        assertThat(index.get(KEY).get().state()).isEqualTo(EntryState.UNLINKED);
        TARGETS.forEach(r -> assertThat(volumes.sidecar(r, KEY).get().state()).isEqualTo(EntryState.UNLINKED));
        TARGETS.forEach(r -> assertThat(volumes.holdsBlob(r, KEY)).isTrue());
    }

    @Test
    void relink_restores_an_unlinked_key_rewriting_every_sidecar_as_live() {
        storedLive();
        assertThat(coordinator.unlink(KEY, "r1")).isEqualTo(new DeleteResult.Deleted());
        clock.advance(Duration.ofSeconds(10));

        assertThat(coordinator.relink(KEY, "r2")).isEqualTo(new DeleteResult.Deleted());

        Entry row = index.get(KEY).get();
        assertThat(row.state()).isEqualTo(EntryState.LIVE);
        assertThat(row.owed()).isFalse();
        assertThat(coordinator.locate(KEY)).isInstanceOf(ReadResult.Found.class);
        TARGETS.forEach(r -> assertThat(volumes.sidecar(r, KEY).get().state()).isEqualTo(EntryState.LIVE));
    }

    @Test
    void relink_of_a_live_absent_or_unreachable_key_changes_nothing() {
        assertThat(coordinator.relink(KEY, "r1")).isEqualTo(new DeleteResult.Absent());
        Entry live = storedLive();
        assertThat(coordinator.relink(KEY, "r2")).isEqualTo(new DeleteResult.AlreadyLive());
        assertThat(index.get(KEY)).contains(live);
        assertThat(coordinator.unlink(KEY, "r3")).isEqualTo(new DeleteResult.Deleted());
        Entry unlinked = index.get(KEY).get();
        int calls = volumes.calls().size();
        health.down(SECOND.volume());

        assertThat(coordinator.relink(KEY, "r4")).isEqualTo(new DeleteResult.Unavailable(List.of(SECOND.volume())));
        assertThat(volumes.calls()).hasSize(calls);
        assertThat(index.get(KEY)).contains(unlinked);
    }

    @Test
    void unlinking_an_unlinked_or_absent_key_is_absent() {
        assertThat(coordinator.unlink(KEY, "r1")).isEqualTo(new DeleteResult.Absent());
        storedLive();
        assertThat(coordinator.unlink(KEY, "r2")).isEqualTo(new DeleteResult.Deleted());
        int calls = volumes.calls().size();

        assertThat(coordinator.unlink(KEY, "r3")).isEqualTo(new DeleteResult.Absent());
        assertThat(volumes.calls()).hasSize(calls);
    }

    // ---- GET and list ----

    @Test
    void locate_sends_reads_to_a_healthy_replica_without_touching_a_volume() {
        Entry live = storedLive();
        health.down(FIRST.volume());

        for (int i = 0; i < 20; i++) assertThat(coordinator.locate(KEY)).isEqualTo(new ReadResult.Found(live, SECOND));
        assertThat(volumes.calls()).isEmpty();

        health.down(SECOND.volume());
        assertThat(coordinator.locate(KEY)).isEqualTo(new ReadResult.Unavailable(live));
    }

    @Test
    void locate_spreads_reads_over_every_replica() {
        storedLive();
        java.util.Map<Replica, Integer> hits = new java.util.HashMap<>();
        for (int i = 0; i < 400; i++) {
            hits.merge(((ReadResult.Found) coordinator.locate(KEY)).replica(), 1, Integer::sum);
        }
        assertThat(hits.keySet()).containsExactlyInAnyOrderElementsOf(TARGETS);
        assertThat(hits.values()).allSatisfy(n -> assertThat(n).isBetween(140, 260));
    }

    @Test
    void list_pages_through_live_keys_and_unlinked_keys_separately() {
        for (String k : new String[] {"/l/a", "/l/b", "/l/c", "/other"}) {
            assertThat(coordinator.put(new Key(k), body("v"), "r")).isInstanceOf(PutResult.Created.class);
        }
        assertThat(coordinator.unlink(new Key("/l/b"), "r")).isEqualTo(new DeleteResult.Deleted());

        ListQuery first = ListQuery.parse("/l/", null, "1", 1000, 1024).get();
        ListQuery.Page page = coordinator.list(first, EntryState.LIVE);
        assertThat(page).isEqualTo(new ListQuery.Page(List.of(new Key("/l/a")), "/l/c"));
        ListQuery second = ListQuery.parse("/l/", page.next(), "1", 1000, 1024).get();
        assertThat(coordinator.list(second, EntryState.LIVE)).isEqualTo(new ListQuery.Page(List.of(new Key("/l/c")), ""));

        ListQuery all = ListQuery.parse("/", null, null, 1000, 1024).get();
        assertThat(coordinator.list(all, EntryState.UNLINKED)).isEqualTo(new ListQuery.Page(List.of(new Key("/l/b")), ""));
    }

    // ---- lost values: 410 until a DELETE or a new PUT --------------------------------------

    /** A key verify found with no good replica: its row LOST, nothing left but a sidecar on the first target. */
    private Entry storedLost() {
        Entry live = storedLive();
        TARGETS.forEach(r -> volumes.loseBlob(r, KEY));
        Entry lost = live.lost(T0.plusSeconds(1));
        index.replace(live, lost);
        return lost;
    }

    @Test
    void a_lost_key_reads_as_lost_cannot_be_unlinked_and_is_listed_only_as_lost() {
        Entry lost = storedLost();
        assertThat(coordinator.locate(KEY)).isEqualTo(new ReadResult.Lost(lost));
        assertThat(coordinator.unlink(KEY, "r")).isEqualTo(new DeleteResult.Lost());
        assertThat(index.get(KEY)).contains(lost);
        ListQuery all = new ListQuery("/", Option.none(), 10);
        assertThat(coordinator.list(all, EntryState.LOST).keys()).containsExactly(KEY);
        assertThat(coordinator.list(all, EntryState.LIVE).keys()).isEmpty();
    }

    @Test
    void delete_of_a_lost_key_removes_its_remaining_files_and_then_its_row() {
        storedLost();
        assertThat(volumes.sidecar(FIRST, KEY)).isNotEmpty();
        assertThat(coordinator.delete(KEY, "r")).isEqualTo(new DeleteResult.Deleted());
        assertThat(index.get(KEY)).isEmpty();
        TARGETS.forEach(r -> assertThat(volumes.sidecar(r, KEY)).isEmpty());
        assertThat(coordinator.locate(KEY)).isEqualTo(new ReadResult.Absent());
    }

    @Test
    void a_put_without_condition_writes_a_new_value_over_a_lost_one_and_if_match_finds_no_current_value() {
        Entry lost = storedLost();
        assertThat(coordinator.put(KEY, new mkv.domain.PutCondition.ReplaceAny(), body("hello"), "r")).isEqualTo(new PutResult.ValueLost());
        assertThat(coordinator.put(KEY, new mkv.domain.PutCondition.ReplaceIf(HELLO_MD5), body("hello"), "r")).isEqualTo(new PutResult.ValueLost());
        assertThat(index.get(KEY)).contains(lost);

        PutResult created = coordinator.put(KEY, new mkv.domain.PutCondition.CreateOnly(), body("hello"), "r");
        assertThat(created).isInstanceOf(PutResult.Created.class);
        Entry now = index.get(KEY).get();
        assertThat(now.state()).isEqualTo(EntryState.LIVE);
        assertThat(now.lostFrom()).isEmpty();
        assertThat(now.generation()).isGreaterThan(lost.generation());
        // The lost value's leftovers are named as retired until their grace ends: never orphans, then deleted.
        assertThat(now.retired().map(HeldGeneration::generation)).containsExactly(lost.generation());
        assertThat(coordinator.locate(KEY)).isInstanceOf(ReadResult.Found.class);
    }

    @Test
    void rows_in_flight_are_listed_with_what_they_are_doing_and_their_age() {
        Key writing = new Key("/f/new");
        Key deleting = new Key("/f/gone");
        Key replacing = new Key("/f/replaced");
        Entry w = Entry.writing(writing, TARGETS, 5, T0);
        Entry d = Entry.live(deleting, TARGETS, 5, HELLO_MD5, 2, T0).withState(EntryState.WRITING, T0.plusSeconds(10));
        Entry r = Entry.live(replacing, TARGETS, 5, HELLO_MD5, 3, T0)
                .withPending(Option.some(new HeldGeneration(9, TARGETS, T0.plusSeconds(20))), T0.plusSeconds(20));
        index.putAll(List.of(w, d, r, Entry.live(new Key("/f/still"), TARGETS, 5, HELLO_MD5, 4, T0)));
        clock.advance(Duration.ofSeconds(60));

        Coordinator.InFlightPage page = coordinator.inFlight(new ListQuery("/f/", Option.none(), 2));
        assertThat(page.rows().map(mkv.domain.InFlight::key)).containsExactly(deleting, writing);
        assertThat(page.rows().map(mkv.domain.InFlight::kind)).containsExactly(mkv.domain.InFlight.Kind.DELETE, mkv.domain.InFlight.Kind.WRITE);
        assertThat(page.rows().map(mkv.domain.InFlight::age)).containsExactly(Duration.ofSeconds(50), Duration.ofSeconds(60));
        assertThat(page.next()).isEqualTo(replacing.value());
        Coordinator.InFlightPage rest = coordinator.inFlight(new ListQuery("/f/", Option.some(replacing), 2));
        assertThat(rest.rows()).containsExactly(new mkv.domain.InFlight(replacing, mkv.domain.InFlight.Kind.REPLACE, 9, TARGETS,
                T0.plusSeconds(20), Duration.ofSeconds(40)));
        assertThat(rest.next()).isEmpty();
    }
}
