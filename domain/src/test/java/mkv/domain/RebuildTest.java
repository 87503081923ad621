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
    void a_sidecar_without_a_blob_is_damage_and_the_other_replicas_still_count() {
        Sidecar s = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Rebuild.Result r = Rebuild.merge(List.of(
                new Found(A, BlobPath.of(KEY, A), Option.of(s), Option.none()),
                sound(B, s)), NOW);

        assertThat(r.damage()).containsExactly(new Damage.SidecarWithoutBlob(A, KEY));
        assertThat(r.entries()).containsExactly(new Entry(KEY, EntryState.LIVE, List.of(B), 5, Option.of(Gens.md5(1)), T0, NOW));
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
    void unlinked_wins_over_live_for_the_same_content() {
        // A crash midway through an unlink leaves some sidecars rewritten and others not.
        Sidecar live = sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0);
        Sidecar unlinked = sidecar(KEY, 5, Gens.md5(1), EntryState.UNLINKED, T0);
        Rebuild.Result r = Rebuild.merge(List.of(sound(A, live), sound(B, unlinked), sound(C, live)), NOW);

        assertThat(r.damage()).isEmpty();
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
}
