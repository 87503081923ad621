package mkv.domain.flow;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Duration;
import mkv.domain.Entry;
import mkv.domain.Sidecar;
import mkv.domain.EntryState;
import mkv.domain.Gens;
import mkv.domain.Key;
import mkv.domain.RebalancePlan;
import mkv.domain.RebalanceTotals;
import mkv.domain.Replica;
import mkv.domain.Ring;
import mkv.domain.Verification;
import mkv.domain.Volume;
import mkv.domain.fake.FakeVolumes;
import mkv.domain.fake.InMemoryIndex;
import mkv.domain.fake.SettableClock;
import mkv.domain.port.Progress;
import org.junit.jupiter.api.Test;

/** Rebuild, rebalance and verify against in-memory volumes and index: what they restore, move and mend. */
class AdminFlowsTest {

    private static final List<Volume> THREE = List.of(Gens.volume(1), Gens.volume(2), Gens.volume(3));
    private static final List<Volume> FOUR = THREE.append(Gens.volume(4));
    private static final Ring RING3 = Ring.of(THREE, 64, 2);
    private static final Ring RING4 = Ring.of(FOUR, 64, 2);

    private final SettableClock clock = new SettableClock(T0);
    private final FakeVolumes volumes = new FakeVolumes();
    private final InMemoryIndex index = new InMemoryIndex();

    /** n keys stored on RING3 with 2 replicas; every third one unlinked. */
    private Seq<Entry> stored(int n) {
        List<Entry> entries = List.empty();
        for (int i = 0; i < n; i++) {
            Key k = new Key("/admin/" + i);
            Entry e = Entry.live(k, RING3.replicasFor(k, 2), 10 + i, Gens.md5(i), 0, T0);
            if (i % 3 == 0) e = e.withState(EntryState.UNLINKED, T0);
            for (Replica r : e.replicas()) volumes.seed(r, e.sidecar());
            entries = entries.append(e);
        }
        index.putAll(entries);
        return entries;
    }

    private static Seq<Entry> comparable(Seq<Entry> entries) {
        return entries.map(e -> new Entry(e.key(), e.state(), e.replicas(), e.size(), e.md5(), e.created(), T0)).sortBy(Entry::key);
    }

    @Test
    void rebuild_restores_every_entry_with_its_md5_and_unlinked_state() {
        Seq<Entry> live = stored(40);
        InMemoryIndex fresh = new InMemoryIndex();
        Rebuilder.Report report = new Rebuilder(volumes, volumes, fresh, clock, Progress.none(), 4, 7).run(THREE);
        assertThat(report.clean()).isTrue();
        assertThat(report.entries()).isEqualTo(40);
        assertThat(comparable(fresh.scan(Option.none(), 1000))).containsExactlyElementsOf(comparable(live));
    }

    @Test
    void rebuild_writes_in_batches_of_at_least_the_batch_size_and_the_rest_at_the_end() {
        stored(40);
        InMemoryIndex fresh = new InMemoryIndex();
        java.util.List<Integer> batches = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        mkv.domain.port.Index counting = (mkv.domain.port.Index) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {mkv.domain.port.Index.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putAll")) batches.add(((Seq<?>) args[0]).size());
                    return method.invoke(fresh, args);
                });
        Rebuilder.Report report = new Rebuilder(volumes, volumes, counting, clock, Progress.none(), 4, 7).run(THREE);
        assertThat(report.entries()).isEqualTo(40);
        assertThat(batches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
        // 40 keys spread over their own aa/bb groups: a batch is written once it holds 7, so memory stays at one batch.
        assertThat(batches.subList(0, batches.size() - 1)).allMatch(n -> n >= 7 && n < 14);
        assertThat(batches.get(batches.size() - 1)).isBetween(1, 13);
    }

    @Test
    void rebuild_reports_a_blob_without_sidecar_and_an_unreachable_volume() {
        stored(5);
        Key stray = new Key("/stray");
        volumes.seedBlob(new Replica(Gens.volume(1), 0), stray, 3, Gens.md5(99));
        volumes.down(Gens.volume(3));
        Rebuilder.Report report = new Rebuilder(volumes, volumes, new InMemoryIndex(), clock, Progress.none(), 2, 100).run(THREE);
        assertThat(report.damage().get(mkv.domain.Rebuild.Kind.BLOB_WITHOUT_SIDECAR)).contains(1L);
        assertThat(report.errors()).isEqualTo(1);
        assertThat(report.clean()).isFalse();
    }

    @Test
    void rebalance_moves_every_key_to_its_new_placement_and_keeps_its_md5() {
        Seq<Entry> before = stored(60);
        Rebalancer.Report report = new Rebalancer(index, volumes, volumes, volumes, RING4, 2, clock, Progress.none()).run(3);
        assertThat(report.clean()).isTrue();
        assertThat(report.moved()).isPositive();
        for (Entry e : before) {
            Entry now = index.get(e.key()).get();
            assertThat(now.replicas()).containsExactlyInAnyOrderElementsOf(RING4.replicasFor(e.key(), 2));
            assertThat(now.md5()).isEqualTo(e.md5());
            assertThat(now.state()).isEqualTo(e.state());
            for (Replica r : now.replicas()) assertThat(volumes.holdsBlob(r, e.key())).isTrue();
            for (Replica r : e.replicas().removeAll(now.replicas())) assertThat(volumes.holdsBlob(r, e.key())).isFalse();
        }
        assertThat(new Rebalancer(index, volumes, volumes, volumes, RING4, 2, clock, Progress.none()).plan().keys()).isZero();
    }

    @Test
    void a_dry_run_counts_the_moves_and_changes_nothing() {
        stored(60);
        int filesBefore = volumes.files();
        RebalanceTotals totals = new Rebalancer(index, volumes, volumes, volumes, RING4, 2, clock, Progress.none()).plan();
        assertThat(totals.keys()).isPositive();
        assertThat(totals.copiesTo().keySet()).containsExactly(Gens.volume(4));
        assertThat(volumes.files()).isEqualTo(filesBefore);
        assertThat(volumes.calls()).isEmpty();
    }

    @Test
    void a_key_rewritten_during_its_move_is_not_clobbered_and_the_copies_are_dropped() {
        Key k = new Key("/admin/raced");
        Entry e = Entry.live(k, RING3.replicasFor(k, 2), 5, Gens.md5(1), 0, T0);
        e.replicas().forEach(r -> volumes.seed(r, e.sidecar()));
        index.putAll(List.of(e));
        RebalancePlan plan = RebalancePlan.between(e, Ring.of(List.of(Gens.volume(9)), 64, 2), 1);
        // Someone unlinks the key after the copy, before the switch.
        volumes.beforeEach(call -> {
            if (call.op() == FakeVolumes.Op.COPY) index.replace(e, e.withState(EntryState.UNLINKED, T0.plusSeconds(1)));
        });
        Rebalancer.Moved moved = new Rebalancer(index, volumes, volumes, volumes, RING3, 2, clock, Progress.none()).move(plan);
        assertThat(moved).isInstanceOf(Rebalancer.Moved.Conflict.class);
        assertThat(index.get(k).get().state()).isEqualTo(EntryState.UNLINKED);
        assertThat(index.get(k).get().replicas()).isEqualTo(e.replicas());
        assertThat(volumes.holdsBlob(plan.copyTo().head(), k)).isFalse();
        e.replicas().forEach(r -> assertThat(volumes.holdsBlob(r, k)).isTrue());
    }

    @Test
    void a_move_onto_a_down_volume_fails_and_leaves_the_key_where_it_was() {
        Seq<Entry> before = stored(30);
        volumes.down(Gens.volume(4));
        Rebalancer.Report report = new Rebalancer(index, volumes, volumes, volumes, RING4, 2, clock, Progress.none()).run(2);
        assertThat(report.clean()).isFalse();
        for (Entry e : before) {
            Entry now = index.get(e.key()).get();
            if (RING4.replicasFor(e.key(), 2).exists(r -> r.volume().equals(Gens.volume(4)))) {
                assertThat(now).isEqualTo(e);
            }
            for (Replica r : now.replicas()) assertThat(volumes.holdsBlob(r, e.key())).isTrue();
        }
    }

    @Test
    void verify_adopts_a_whole_value_that_no_entry_names_instead_of_deleting_it() {
        stored(3);
        Key restored = new Key("/written-after-the-backup");
        Seq<Replica> at = RING3.replicasFor(restored, 2);
        Entry lostRow = Entry.live(restored, at, 3, Gens.md5(7), 0, T0);
        at.forEach(r -> volumes.seed(r, lostRow.sidecar()));
        clock.advance(Duration.ofHours(2));

        var check = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, false, Duration.ofHours(1), 2));
        assertThat(check.run(THREE).findings().keySet()).containsExactly(Verification.Kind.UNINDEXED);

        var repair = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, true, Duration.ofHours(1), 2));
        assertThat(repair.run(THREE).clean()).isTrue();
        Entry adopted = index.get(restored).get();
        assertThat(adopted.sidecar()).isEqualTo(lostRow.sidecar());
        assertThat(adopted.replicas().toSet()).isEqualTo(at.toSet());
        at.forEach(r -> assertThat(volumes.holdsBlob(r, restored)).isTrue());
    }

    @Test
    void verify_adopts_a_newer_generation_than_the_index_names_for_a_key_replaced_after_the_backup() {
        Key replaced = new Key("/replaced-after-the-backup");
        Seq<Replica> at = RING3.replicasFor(replaced, 2);
        Entry backedUp = Entry.live(replaced, at, 3, Gens.md5(1), 4, T0);
        index.putAll(List.of(backedUp));
        at.forEach(r -> volumes.seed(r, backedUp.sidecar()));
        // Written after the backup: generation 9 of the same key, whole on both replicas.
        Entry newer = Entry.live(replaced, at, 5, Gens.md5(2), 9, T0.plusSeconds(60));
        at.forEach(r -> volumes.seed(r, newer.sidecar()));
        // And an older leftover (generation 2), which the index's value supersedes: an orphan.
        volumes.seed(at.head(), Entry.live(replaced, List.of(at.head()), 7, Gens.md5(3), 2, T0).sidecar());
        clock.advance(Duration.ofHours(2));

        var check = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, false, Duration.ofHours(1), 2));
        assertThat(check.run(THREE).findings().keySet()).contains(Verification.Kind.UNINDEXED, Verification.Kind.ORPHAN);

        var repair = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, true, Duration.ofHours(1), 2));
        repair.run(THREE);
        Entry now = index.get(replaced).get();
        assertThat(now.generation()).isEqualTo(9);
        assertThat(now.sidecar()).isEqualTo(newer.sidecar());
        at.forEach(r -> assertThat(volumes.holdsBlob(r, replaced, 9)).isTrue());
        assertThat(volumes.holdsBlob(at.head(), replaced, 2)).isFalse();
    }

    @Test
    void verify_repairs_no_orphan_past_the_allowance_unless_forced() {
        stored(3);
        List<Key> planted = List.range(0, 101).map(i -> new Key("/planted/" + i));
        for (Key k : planted) {
            Replica r = RING3.replicasFor(k, 1).head();
            volumes.seedBlob(r, k, 3, Gens.md5(1));
        }
        clock.advance(Duration.ofHours(2));

        var careful = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, true, Duration.ofHours(1), 2));
        Verifier.Report refused = careful.run(THREE);
        assertThat(refused.clean()).isFalse();
        assertThat(refused.unrepaired()).isEqualTo(101);
        assertThat(planted).allMatch(k -> volumes.holdsBlob(RING3.replicasFor(k, 1).head(), k));

        var forced = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, true, Duration.ofHours(1), 2, true));
        assertThat(forced.run(THREE).clean()).isTrue();
        assertThat(planted).noneMatch(k -> volumes.holdsBlob(RING3.replicasFor(k, 1).head(), k));
    }

    @Test
    void verify_finds_and_repairs_a_lost_and_a_corrupt_replica_an_orphan_and_a_stale_write() {
        Seq<Entry> all = stored(10);
        Entry lost = all.get(1), corrupt = all.get(2);
        volumes.loseBlob(lost.replicas().head(), lost.key());
        volumes.corrupt(corrupt.replicas().last(), corrupt.key());
        Key gone = new Key("/orphan");
        Replica orphanAt = RING3.replicasFor(gone, 1).head();
        volumes.seed(orphanAt, Entry.live(gone, List.of(orphanAt), 3, Gens.md5(7), 0, T0).sidecar());
        // Its bytes do not match its sidecar: no whole value to adopt (see the next test), an orphan to delete.
        volumes.corrupt(orphanAt, gone);
        Key stale = new Key("/stale");
        Entry writing = Entry.writing(stale, RING3.replicasFor(stale, 2), 0, T0);
        index.reserve(Option.none(), writing);
        clock.advance(Duration.ofHours(2));

        var check = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, false, Duration.ofHours(1), 2));
        Verifier.Report found = check.run(THREE);
        assertThat(found.findings().keySet()).contains(Verification.Kind.MISSING_REPLICA, Verification.Kind.CORRUPT, Verification.Kind.ORPHAN, Verification.Kind.STALE_WRITING, Verification.Kind.UNDER_REPLICATED);
        assertThat(found.clean()).isFalse();

        var repair = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, true, Duration.ofHours(1), 2));
        assertThat(repair.run(THREE).clean()).isTrue();
        assertThat(index.get(stale)).isEmpty();
        assertThat(volumes.holdsBlob(orphanAt, gone)).isFalse();
        assertThat(volumes.holdsBlob(lost.replicas().head(), lost.key())).isTrue();

        var again = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, false, Duration.ofHours(1), 2));
        Verifier.Report after = again.run(THREE);
        assertThat(after.findings()).isEmpty();
        assertThat(after.clean()).isTrue();
    }

    @Test
    void verify_leaves_files_younger_than_the_grace_period_alone() {
        stored(3);
        Key young = new Key("/young");
        Replica at = RING3.replicasFor(young, 1).head();
        volumes.seed(at, Entry.live(young, List.of(at), 3, Gens.md5(7), 0, T0).sidecar());
        // The fake's files are all written at the epoch; a grace reaching back before it protects them.
        clock.advance(Duration.ofDays(1));
        var verifier = new Verifier(index, volumes, volumes, clock, Progress.none(),
                new Verifier.Options(false, true, Duration.between(java.time.Instant.EPOCH, T0).plusDays(2), 2));
        assertThat(verifier.run(THREE).findings()).isEmpty();
        assertThat(volumes.holdsBlob(at, young)).isTrue();
    }

    @Test
    void a_check_that_fails_midway_still_reports_the_repair_it_had_made() {
        Entry e = stored(1).head();
        Replica lostBlob = e.replicas().head(), lostSidecar = e.replicas().last();
        volumes.loseBlob(lostBlob, e.key());
        volumes.remove(lostSidecar, e.key(), e.generation(), mkv.domain.BlobPath.Part.SIDECAR, "test");
        // The copy onto the first replica works (its blob, then its sidecar); the sidecar rewrite that follows throws.
        var sidecars = new java.util.concurrent.atomic.AtomicInteger();
        volumes.beforeEach(call -> {
            if (call.op() == FakeVolumes.Op.SIDECAR && sidecars.incrementAndGet() > 1) throw new IllegalStateException("the volume client broke");
        });
        var verifier = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, true, Duration.ZERO, 1));
        Verifier.Report report = verifier.run(THREE);
        assertThat(volumes.holdsBlob(lostBlob, e.key())).isTrue();
        assertThat(report.repaired()).as("the copy made before the throw").isEqualTo(1);
        assertThat(report.errors()).as("the check that threw").isEqualTo(1);
        assertThat(report.findings().keySet()).contains(Verification.Kind.MISSING_REPLICA, Verification.Kind.BAD_SIDECAR);
    }

    @Test
    void a_key_deleted_while_verify_looks_at_it_is_not_reported() {
        Seq<Entry> all = stored(4);
        Entry doomed = all.get(1);
        // A DELETE lands between the scan and the check: the blobs go, then the entry.
        mkv.domain.port.Blobs racing = (mkv.domain.port.Blobs) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {mkv.domain.port.Blobs.class}, (proxy, method, args) -> {
                    if (method.getName().equals("stat") && args[1].equals(doomed.key()) && index.get(doomed.key()).isDefined()) {
                        doomed.replicas().forEach(r -> volumes.loseBlob(r, doomed.key()));
                        index.remove(doomed);
                    }
                    return method.invoke(volumes, args);
                });
        var verifier = new Verifier(index, racing, volumes, clock, Progress.none(), new Verifier.Options(false, false, Duration.ZERO, 1));
        Verifier.Report report = verifier.run(THREE);
        assertThat(report.findings().keySet()).doesNotContain(Verification.Kind.MISSING_REPLICA, Verification.Kind.LOST);
    }

    @Test
    void a_move_whose_key_was_rewritten_before_its_copy_is_a_conflict_not_an_error() {
        Key k = new Key("/admin/rewritten");
        Entry old = Entry.live(k, RING3.replicasFor(k, 2), 5, Gens.md5(1), 0, T0);
        Entry rewritten = Entry.live(k, old.replicas(), 5, Gens.md5(2), 0, T0.plusSeconds(1));
        rewritten.replicas().forEach(r -> volumes.seed(r, rewritten.sidecar()));
        index.putAll(List.of(rewritten));
        RebalancePlan stalePlan = RebalancePlan.between(old, RING4, 2);
        assertThat(stalePlan.unchanged()).as("the key must move from RING3 to RING4 for this test to mean anything").isFalse();
        Rebalancer.Moved moved = new Rebalancer(index, volumes, volumes, volumes, RING4, 2, clock, Progress.none()).move(stalePlan);
        assertThat(moved).isInstanceOf(Rebalancer.Moved.Conflict.class);
        assertThat(index.get(k)).contains(rewritten);
    }

    // ---- generations --------------------------------------------------------------------------

    private Sidecar sidecarOf(Key k, int seed, long generation) {
        return new Sidecar(k, 10 + seed, Gens.md5(seed), EntryState.LIVE, T0, generation, Sidecar.FORMAT);
    }

    @Test
    void rebuild_keeps_the_newest_whole_generation_reports_older_ones_and_raises_the_high_water_mark() {
        Key k = new Key("/admin/generations");
        Seq<Replica> at = RING3.replicasFor(k, 2);
        at.forEach(r -> volumes.seed(r, sidecarOf(k, 1, 3)));
        at.forEach(r -> volumes.seed(r, sidecarOf(k, 2, 9)));
        InMemoryIndex fresh = new InMemoryIndex();

        Rebuilder.Report report = new Rebuilder(volumes, volumes, fresh, clock, Progress.none(), 2, 100).run(THREE);

        Entry e = fresh.get(k).get();
        assertThat(e.generation()).isEqualTo(9);
        assertThat(e.md5()).contains(Gens.md5(2));
        assertThat(e.replicas()).containsExactlyInAnyOrderElementsOf(at);
        assertThat(report.damage().get(mkv.domain.Rebuild.Kind.SUPERSEDED)).contains(2L);
        // A write after the rebuild never reuses a generation found on the volumes.
        assertThat(fresh.reserveGenerations(1)).isGreaterThan(9);
    }

    @Test
    void verify_calls_an_older_generations_files_orphans_but_never_a_pending_or_retired_ones() {
        Key k = new Key("/admin/held");
        Replica r = RING3.replicasFor(k, 1).head();
        for (long g : new long[] {1, 2, 5, 7}) volumes.seed(r, sidecarOf(k, (int) g, g));
        Entry e = new Entry(k, EntryState.LIVE, List.of(r), 15, Option.of(Gens.md5(5)), T0, T0, 5,
                Option.some(new mkv.domain.HeldGeneration(7, List.of(r), T0)), List.of(new mkv.domain.HeldGeneration(2, List.of(r), T0)));
        index.putAll(List.of(e));

        var check = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, false, Duration.ofHours(1), 2));
        Verifier.Report report = check.run(THREE);

        assertThat(report.findings().get(Verification.Kind.ORPHAN)).contains(1L);
        assertThat(report.findings().remove(Verification.Kind.ORPHAN)).isEmpty();
        var repair = new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(true, true, Duration.ofHours(1), 2));
        assertThat(repair.run(THREE).repaired()).isEqualTo(1);
        assertThat(volumes.generations(r, k)).containsExactly(2L, 5L, 7L);
    }

    @Test
    void a_rebalance_beside_a_rewrite_never_puts_older_bytes_where_the_newer_generation_lives() {
        Key k = new Key("/admin/rewritten");
        Entry old = Entry.live(k, RING3.replicasFor(k, 2), 11, Gens.md5(1), 1, T0);
        old.replicas().forEach(r -> volumes.seed(r, old.sidecar()));
        index.putAll(List.of(old));
        Ring moved = Ring.of(List.of(Gens.volume(9)), 64, 2);
        RebalancePlan plan = RebalancePlan.between(old, moved, 1);
        Replica target = plan.copyTo().head();
        // While the old generation is copied, the key is deleted and written again: generation 2
        // lands on the very replica the rebalance copies to, and the index names it.
        Entry rewritten = Entry.live(k, List.of(target), 12, Gens.md5(2), 2, T0.plusSeconds(1));
        volumes.beforeEach(call -> {
            if (call.op() == FakeVolumes.Op.COPY && index.get(k).contains(old)) {
                index.remove(old);
                volumes.seed(target, rewritten.sidecar());
                index.reserve(Option.none(), rewritten);
            }
        });

        Rebalancer.Moved result = new Rebalancer(index, volumes, volumes, volumes, RING3, 2, clock, Progress.none()).move(plan);

        assertThat(result).isInstanceOf(Rebalancer.Moved.Conflict.class);
        assertThat(index.get(k)).contains(rewritten);
        // The newer generation is whole at its own path; the older copy was dropped from the target.
        assertThat(volumes.sidecar(target, k, 2)).contains(rewritten.sidecar());
        assertThat(volumes.checksum(target, k, 2)).isEqualTo(new mkv.domain.Checksum.Computed(12, Gens.md5(2)));
        assertThat(volumes.generations(target, k)).containsExactly(2L);
    }

    // ---- LOST: marked only on evidence from this cluster's volumes, and reverted -------------

    private static final mkv.domain.ClusterId CLUSTER = new mkv.domain.ClusterId("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");

    /** The index and every volume of THREE carry one cluster id, as after a coordinator's first start. */
    private void oneCluster() {
        index.claim(CLUSTER);
        THREE.forEach(v -> volumes.writeMark(v, CLUSTER, "test"));
    }

    private Verifier.Report verify(boolean repair, boolean force) {
        return new Verifier(index, volumes, volumes, clock, Progress.none(), new Verifier.Options(false, repair, Duration.ofHours(1), 2, force)).run(THREE);
    }

    @Test
    void verify_repair_marks_a_key_with_every_replica_missing_lost_and_restores_what_it_was_once_a_replica_reappears() {
        oneCluster();
        Seq<Entry> all = stored(6);
        Entry gone = all.get(3); // unlinked: every third one
        Entry kept = all.get(4);
        gone.replicas().forEach(r -> volumes.loseBlob(r, gone.key()));
        clock.advance(Duration.ofHours(2));

        Verifier.Report checked = verify(false, false);
        assertThat(checked.findings().get(Verification.Kind.LOST)).contains(1L);
        assertThat(checked.markedLost()).isZero();
        assertThat(index.get(gone.key())).contains(gone);

        Verifier.Report repaired = verify(true, false);
        assertThat(repaired.markedLost()).isEqualTo(1);
        assertThat(repaired.clean()).as("a lost value is damage left behind").isFalse();
        Entry marked = index.get(gone.key()).get();
        assertThat(marked.state()).isEqualTo(EntryState.LOST);
        assertThat(marked.lostFrom()).contains(EntryState.UNLINKED);
        assertThat(index.get(kept.key())).contains(kept);

        // Still lost at the next run: reported again, marked once.
        Verifier.Report again = verify(true, false);
        assertThat(again.findings().get(Verification.Kind.LOST)).contains(1L);
        assertThat(again.markedLost()).isZero();
        assertThat(index.get(gone.key())).contains(marked);

        // One replica comes back (copied back by hand): the key is what it was, and whole again.
        volumes.seed(gone.replicas().head(), gone.sidecar());
        Verifier.Report restored = verify(true, false);
        assertThat(restored.findings().get(Verification.Kind.REAPPEARED)).contains(1L);
        assertThat(restored.clean()).isTrue();
        Entry back = index.get(gone.key()).get();
        assertThat(back.state()).isEqualTo(EntryState.UNLINKED);
        assertThat(back.lostFrom()).isEmpty();
        assertThat(back.md5()).isEqualTo(gone.md5());
        gone.replicas().forEach(r -> assertThat(volumes.holdsBlob(r, gone.key())).isTrue());
        assertThat(verify(false, false).clean()).isTrue();
    }

    @Test
    void verify_repair_never_marks_lost_a_key_on_volumes_not_proved_to_be_this_clusters_or_one_that_did_not_answer() {
        Seq<Entry> all = stored(6);
        Entry gone = all.get(1);
        gone.replicas().forEach(r -> volumes.loseBlob(r, gone.key()));
        clock.advance(Duration.ofHours(2));

        // No cluster id anywhere (volumes answering without their data look just like this): nothing is marked.
        assertThat(verify(true, false).markedLost()).isZero();
        assertThat(index.get(gone.key())).contains(gone);

        // This cluster's index, but one replica's volume carries no marker (a new disk, an unmounted one).
        index.claim(CLUSTER);
        THREE.filter(v -> !v.equals(gone.replicas().head().volume())).forEach(v -> volumes.writeMark(v, CLUSTER, "test"));
        assertThat(verify(true, true).markedLost()).isZero();
        assertThat(index.get(gone.key())).contains(gone);

        // Every volume stamped, but one replica's volume does not answer: under-replicated, never lost.
        volumes.writeMark(gone.replicas().head().volume(), CLUSTER, "test");
        volumes.down(gone.replicas().head().volume());
        Verifier.Report unanswered = verify(true, true);
        assertThat(unanswered.markedLost()).isZero();
        assertThat(unanswered.findings().keySet()).doesNotContain(Verification.Kind.LOST);
        assertThat(index.get(gone.key())).contains(gone);
    }

    @Test
    void verify_repair_marks_no_key_lost_past_the_allowance_unless_forced() {
        oneCluster();
        Seq<Entry> all = stored(101);
        all.forEach(e -> e.replicas().forEach(r -> volumes.loseBlob(r, e.key())));
        clock.advance(Duration.ofHours(2));

        Verifier.Report careful = verify(true, false);
        assertThat(careful.markedLost()).isZero();
        assertThat(careful.findings().get(Verification.Kind.LOST)).contains(101L);
        assertThat(all).allMatch(e -> index.get(e.key()).contains(e));

        Verifier.Report forced = verify(true, true);
        assertThat(forced.markedLost()).isEqualTo(101);
        assertThat(all).allMatch(e -> index.get(e.key()).get().is(EntryState.LOST));
    }
}
