package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;
import java.util.Random;
import mkv.domain.Rebuild.Damage;
import mkv.domain.Rebuild.Found;
import org.junit.jupiter.api.Test;

/** Rebuilding the index from what the volumes hold, and naming what does not add up. */
class RebuildTest {

    private static final Instant NOW = T0.plusSeconds(3600);
    private static final Key KEY = new Key("/re/built");
    private static final Replica A = new Replica(Gens.volume(1), 0);
    private static final Replica B = new Replica(Gens.volume(2), 1);
    private static final Replica C = new Replica(Gens.volume(3), 2);

    private static Sidecar sidecar(Key key, long size, Md5 md5, EntryState state, Instant created) {
        return new Sidecar(key, size, md5, state, created, Sidecar.FORMAT);
    }

    private static Found sound(Replica r, Sidecar s) {
        return new Found(r, BlobPath.of(s.key(), r), Option.of(s), Option.of(s.size()));
    }

    /** What the volumes of an index hold: each replica's blob and sidecar. */
    private static Seq<Found> onVolumes(Seq<Entry> index) {
        return index.flatMap(e -> e.replicas().map(r -> new Found(r, BlobPath.of(e.key(), r),
                Option.of(e.sidecar()), Option.of(e.size()))));
    }

    @Test
    void rebuild_merging_the_sidecars_of_an_index_reproduces_that_index() {
        qt().withExamples(200).forAll(Gens.entryLists(Gens.settledEntries(Gens.keys()), 25), longs().all())
                .checkAssert((index, seed) -> {
                    // Volume listings come in no particular order.
                    java.util.List<Found> found = new java.util.ArrayList<>(onVolumes(index).asJava());
                    java.util.Collections.shuffle(found, new Random(seed));

                    Rebuild.Result result = Rebuild.merge(List.ofAll(found), NOW);

                    assertThat(result.damage()).isEmpty();
                    assertThat(result.entries()).containsExactlyElementsOf(index.sortBy(Entry::key)
                            .map(e -> new Entry(e.key(), e.state(), e.replicas(), e.size(), e.md5(), e.created(), NOW)));
                });
    }

    @Test
    void a_blob_without_a_sidecar_is_damage_and_no_entry() {
        BlobPath path = BlobPath.of(KEY, A);
        Rebuild.Result r = Rebuild.merge(List.of(new Found(A, path, Option.none(), Option.of(5L))), NOW);

        assertThat(r.entries()).isEmpty();
        assertThat(r.damage()).containsExactly(new Damage.BlobWithoutSidecar(A, path));
    }

    @Test
    void a_sidecar_without_a_blob_is_damage_and_as_a_delete_cut_short_leaves_it_the_value_comes_back_unlinked() {
        Sidecar s = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Rebuild.Result r = Rebuild.merge(List.of(
                new Found(A, BlobPath.of(KEY, A), Option.of(s), Option.none()),
                sound(B, s)), NOW);

        assertThat(r.damage()).containsExactly(new Damage.SidecarWithoutBlob(A, BlobPath.of(KEY, A), KEY),
                new Damage.Undecided(KEY, "a replica holds its sidecar but not its blob, as a delete cut short leaves it"));
        // The other replica still counts: its bytes are kept, but the value is not made readable.
        assertThat(r.entries()).containsExactly(new Entry(KEY, EntryState.UNLINKED, List.of(B), 5, Option.of(Gens.md5(1)), T0, NOW));
    }

    @Test
    void a_sidecar_without_a_blob_of_an_older_generation_says_nothing_about_the_newest() {
        Sidecar old = new Sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0, 3, Sidecar.FORMAT);
        Sidecar newest = new Sidecar(KEY, 6, Gens.md5(2), EntryState.LIVE, T0, 4, Sidecar.FORMAT);
        Rebuild.Result r = Rebuild.merge(List.of(
                new Found(A, BlobPath.of(KEY, 3, A), Option.of(old), Option.none()),
                new Found(B, BlobPath.of(KEY, 4, B), Option.of(newest), Option.of(6L))), NOW);

        assertThat(r.damage()).containsExactly(new Damage.SidecarWithoutBlob(A, BlobPath.of(KEY, 3, A), KEY));
        assertThat(r.entries().map(Entry::state)).containsExactly(EntryState.LIVE);
    }

    @Test
    void a_blob_whose_size_differs_from_its_sidecar_is_damage() {
        Sidecar s = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Rebuild.Result r = Rebuild.merge(List.of(new Found(A, BlobPath.of(KEY, A), Option.of(s), Option.of(4L))), NOW);

        assertThat(r.entries()).isEmpty();
        assertThat(r.damage()).containsExactly(new Damage.SizeMismatch(A, KEY, 5, 4));
    }

    @Test
    void a_sidecar_naming_another_key_than_its_path_is_misplaced() {
        Key other = new Key("/some/other");
        BlobPath path = BlobPath.of(KEY, A);
        Sidecar s = sidecar(other, 5, Gens.md5(1), EntryState.LIVE, T0);
        Rebuild.Result r = Rebuild.merge(List.of(new Found(A, path, Option.of(s), Option.of(5L))), NOW);

        assertThat(r.entries()).isEmpty();
        assertThat(r.damage()).containsExactly(new Damage.Misplaced(A, path, other));
    }

    @Test
    void replicas_that_disagree_keep_the_majority_and_name_the_outvoted() {
        Sidecar majority = sidecar(KEY, 5, Gens.md5(9), EntryState.LIVE, T0);
        Sidecar minority = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Rebuild.Result r = Rebuild.merge(List.of(sound(A, minority), sound(B, majority), sound(C, majority)), NOW);

        assertThat(r.entries()).containsExactly(new Entry(KEY, EntryState.LIVE, List.of(B, C), 5, Option.of(Gens.md5(9)), T0, NOW));
        assertThat(r.damage()).containsExactly(new Damage.Conflict(KEY, List.of(A)));
    }

    @Test
    void a_size_disagreement_is_a_conflict_too() {
        Sidecar majority = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Sidecar longer = new Sidecar(KEY, 6, Gens.md5(1), EntryState.LIVE, T0, Sidecar.FORMAT);
        Rebuild.Result r = Rebuild.merge(List.of(sound(A, majority), sound(B, longer), sound(C, majority)), NOW);

        assertThat(r.entries().map(Entry::size)).containsExactly(5L);
        assertThat(r.damage()).containsExactly(new Damage.Conflict(KEY, List.of(B)));
    }

    @Test
    void a_tie_keeps_the_smaller_md5_whatever_the_order_found() {
        Sidecar small = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Sidecar large = sidecar(KEY, 5, Gens.md5(2), EntryState.LIVE, T0);
        for (Seq<Found> found : List.of(List.of(sound(A, small), sound(B, large)), List.of(sound(B, large), sound(A, small)))) {
            Rebuild.Result r = Rebuild.merge(found, NOW);
            assertThat(r.entries().map(e -> e.md5().get())).containsExactly(Gens.md5(1));
            assertThat(r.damage()).containsExactly(new Damage.Conflict(KEY, List.of(B)));
        }
    }

    @Test
    void sidecars_split_between_live_and_unlinked_restore_the_key_unlinked_and_name_it_undecided() {
        // An UNLINK or RELINK cut short leaves some sidecars rewritten and others not.
        Sidecar live = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Sidecar unlinked = sidecar(KEY, 5, Gens.md5(1), EntryState.UNLINKED, T0);
        Rebuild.Result r = Rebuild.merge(List.of(sound(A, live), sound(B, unlinked), sound(C, live)), NOW);

        assertThat(r.damage()).containsExactly(new Damage.Undecided(KEY, "some sidecars say live and others unlinked"));
        assertThat(r.entries()).containsExactly(
                new Entry(KEY, EntryState.UNLINKED, List.of(A, B, C), 5, Option.of(Gens.md5(1)), T0, NOW));
    }

    @Test
    void the_earliest_creation_time_among_the_winners_is_kept() {
        Sidecar early = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Sidecar late = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0.plusSeconds(1));
        Rebuild.Result r = Rebuild.merge(List.of(sound(A, late), sound(B, early)), NOW);

        assertThat(r.entries().map(Entry::created)).containsExactly(T0);
    }

    @Test
    void damage_on_one_key_does_not_hide_the_others() {
        Key other = new Key("/fine");
        Sidecar fine = sidecar(other, 3, Gens.md5(4), EntryState.LIVE, T0);
        Rebuild.Result r = Rebuild.merge(List.of(
                new Found(A, BlobPath.of(KEY, A), Option.none(), Option.of(1L)),
                sound(B, fine)), NOW);

        assertThat(r.entries().map(Entry::key)).containsExactly(other);
        assertThat(r.damage()).hasSize(1);
    }

    // ---- generations --------------------------------------------------------------------------

    /** One generation of a key as the volumes hold it: its replicas, and whether each is whole. */
    private record Held(long generation, Seq<Replica> replicas, Seq<Boolean> whole, Md5 md5) {}

    private static Seq<Found> onVolumes(Key key, Seq<Held> held) {
        return held.flatMap(h -> h.replicas().zip(h.whole()).map(t -> {
            Sidecar s = new Sidecar(key, 5, h.md5(), EntryState.LIVE, T0, h.generation(), Sidecar.FORMAT);
            BlobPath path = BlobPath.of(key, h.generation(), t._1);
            // Not whole: the blob is there without its sidecar (a write cut between the two).
            return t._2 ? new Found(t._1, path, Option.of(s), Option.of(5L)) : new Found(t._1, path, Option.none(), Option.of(5L));
        }));
    }

    @Test
    void the_newest_generation_with_a_whole_replica_wins_and_older_whole_ones_are_superseded() {
        var gens = org.quicktheories.generators.SourceDSL.lists()
                .of(longs().between(0, 1_000_000).zip(Gens.replicaSets(1, 3), longs().all(), (g, rs, bits) -> {
                    java.util.Random r = new java.util.Random(bits);
                    return new Held(g, rs, rs.map(x -> r.nextInt(3) > 0), Gens.md5((int) (g % 1000)));
                })).ofSizeBetween(1, 4);
        qt().withExamples(500).forAll(gens, longs().all()).checkAssert((list, seed) -> {
            Seq<Held> held = List.ofAll(list).distinctBy(Held::generation);
            java.util.List<Found> found = new java.util.ArrayList<>(onVolumes(KEY, held).asJava());
            java.util.Collections.shuffle(found, new Random(seed));

            Rebuild.Result result = Rebuild.merge(List.ofAll(found), NOW);

            Seq<Held> whole = held.filter(h -> h.whole().contains(true));
            if (whole.isEmpty()) {
                assertThat(result.entries()).isEmpty();
                return;
            }
            Held newest = whole.maxBy(Held::generation).get();
            Seq<Replica> kept = newest.replicas().zip(newest.whole()).filter(t -> t._2).map(t -> t._1);
            assertThat(result.entries()).hasSize(1);
            Entry e = result.entries().head();
            assertThat(e.generation()).isEqualTo(newest.generation());
            assertThat(e.md5()).contains(newest.md5());
            assertThat(e.replicas()).containsExactlyInAnyOrderElementsOf(kept);
            long superseded = whole.filter(h -> h.generation() < newest.generation())
                    .map(h -> h.whole().count(w -> w)).sum().longValue();
            assertThat(result.damage().filter(d -> d instanceof Damage.Superseded)).hasSize((int) superseded);
            assertThat(result.damage().filter(d -> d instanceof Damage.Conflict)).isEmpty();
        });
    }

    @Test
    void a_sidecar_at_another_generations_path_is_misplaced() {
        Sidecar s = new Sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0, 4, Sidecar.FORMAT);
        BlobPath elsewhere = BlobPath.of(KEY, 5, A);
        Rebuild.Result r = Rebuild.merge(List.of(new Found(A, elsewhere, Option.of(s), Option.of(5L))), NOW);
        assertThat(r.entries()).isEmpty();
        assertThat(r.damage()).containsExactly(new Damage.Misplaced(A, elsewhere, KEY));
    }
}
