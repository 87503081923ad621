package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Diffing an index against a ring: what to copy where and what to drop. */
class RebalancePlanTest {

    private static final Instant LATER = T0.plusSeconds(60);
    private static final ConcurrentHashMap<List<Volume>, Ring> RINGS = new ConcurrentHashMap<>();

    private static Ring ring(List<Volume> volumes) {
        return RINGS.computeIfAbsent(volumes.sorted(), vs -> Ring.of(vs, 32, 4));
    }

    /** Entries as a ring placed them: settled entries whose replicas are moved to their placement. */
    private static Seq<Entry> placedBy(Ring ring, int r, Seq<Entry> entries) {
        return entries.map(e -> e.withReplicas(ring.replicasFor(e.key(), r), e.updated()));
    }

    @Test
    void the_diff_of_an_index_against_its_own_ring_is_empty() {
        qt().withExamples(200)
                .forAll(Gens.volumeSets(1, 6), integers().between(1, 3), Gens.entryLists(Gens.settledEntries(Gens.keys()), 30))
                .checkAssert((volumes, r, entries) -> {
                    Ring ring = ring(volumes);
                    assertThat(RebalancePlan.between(placedBy(ring, r, entries), ring, r)).isEmpty();
                });
    }

    @Test
    void applying_a_diff_yields_the_target_placement() {
        qt().withExamples(200)
                .forAll(Gens.volumeSets(1, 6), Gens.volumeSets(1, 6), integers().between(1, 3),
                        Gens.entryLists(Gens.settledEntries(Gens.keys()), 30))
                .checkAssert((from, to, r, entries) -> {
                    Ring a = ring(from);
                    Ring b = ring(to);
                    Seq<Entry> placed = placedBy(a, r, entries);
                    Seq<RebalancePlan> plans = RebalancePlan.between(placed, b, r);

                    for (Entry e : placed) {
                        Seq<Replica> canonical = Replica.canonical(b.replicasFor(e.key(), r));
                        Entry after = plans.find(p -> p.entry().equals(e)).map(p -> p.applied(LATER)).getOrElse(e);
                        assertThat(after.replicas()).isEqualTo(canonical);
                        assertThat(after.withReplicas(e.replicas(), e.updated())).isEqualTo(e);
                    }
                    for (RebalancePlan p : plans) {
                        assertThat(p.unchanged()).isFalse();
                        assertThat(p.copyTo().filter(p.deleteFrom()::contains)).isEmpty();
                        assertThat(p.keep().filter(x -> p.copyTo().contains(x) || p.deleteFrom().contains(x))).isEmpty();
                        // Current − dropped + copied = target; the kept replicas are the copy sources.
                        assertThat(Replica.canonical(p.entry().replicas().removeAll(p.deleteFrom()).appendAll(p.copyTo())))
                                .isEqualTo(p.target());
                        assertThat(p.applied(LATER).updated()).isEqualTo(LATER);
                    }
                });
    }

    @Test
    void writing_entries_are_left_to_their_writer() {
        qt().withExamples(200).forAll(Gens.volumeSets(1, 6), Gens.replicaSets(1, 3), Gens.keys())
                .checkAssert((volumes, replicas, key) -> {
                    Entry writing = Entry.writing(key, replicas, 0, T0);
                    RebalancePlan p = RebalancePlan.between(writing, ring(volumes), 2);
                    assertThat(p.unchanged()).isTrue();
                    assertThat(p.target()).isEqualTo(writing.replicas());
                    assertThat(RebalancePlan.between(List.of(writing), ring(volumes), 2)).isEmpty();
                });
    }

    @Test
    void lost_entries_stay_where_their_value_was_for_a_replica_that_reappears_there() {
        qt().withExamples(200).forAll(Gens.volumeSets(1, 6), Gens.replicaSets(1, 3), Gens.keys())
                .checkAssert((volumes, replicas, key) -> {
                    Entry lost = Entry.live(key, replicas, 5, Gens.md5(1), 3, T0).lost(T0);
                    RebalancePlan p = RebalancePlan.between(lost, ring(volumes), 2);
                    assertThat(p.unchanged()).isTrue();
                    assertThat(p.target()).isEqualTo(lost.replicas());
                });
    }

    @Test
    void a_plan_copies_to_the_new_volume_and_drops_the_old_one() {
        Volume a = Gens.volume(1), b = Gens.volume(2), c = Gens.volume(3);
        Key key = new Key("/move/me");
        Ring target = Ring.of(List.of(b, c), 32, 4);
        Seq<Replica> wanted = target.replicasFor(key, 2);
        Replica onA = new Replica(a, 0);
        Replica onB = wanted.find(x -> x.volume().equals(b)).get();
        Replica onC = wanted.find(x -> x.volume().equals(c)).get();
        Entry e = Entry.live(key, List.of(onA, onB), 5, Gens.md5(5), 0, T0);

        RebalancePlan p = RebalancePlan.between(e, target, 2);

        assertThat(p.copyTo()).containsExactly(onC);
        assertThat(p.deleteFrom()).containsExactly(onA);
        assertThat(p.keep()).containsExactly(onB);
    }

    @Test
    void a_replica_on_the_right_volume_but_the_wrong_subvolume_moves() {
        Volume a = Gens.volume(1);
        Key key = new Key("/sub/volume");
        Ring target = Ring.of(List.of(a), 32, 4);
        Replica right = target.replicasFor(key, 1).head();
        Replica wrong = new Replica(a, (right.subvolume() + 1) % 4);
        Entry e = Entry.live(key, List.of(wrong), 5, Gens.md5(5), 0, T0);

        RebalancePlan p = RebalancePlan.between(e, target, 1);

        assertThat(p.copyTo()).containsExactly(right);
        assertThat(p.deleteFrom()).containsExactly(wrong);
        assertThat(p.keep()).isEmpty();
    }
}
