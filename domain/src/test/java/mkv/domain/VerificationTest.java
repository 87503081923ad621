package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import mkv.domain.Verification.Finding;
import org.junit.jupiter.api.Test;

/** Verify's pure decisions: what a replica's state means, what a repair copies, what is an orphan. */
class VerificationTest {
    private static final Key KEY = new Key("/verified");
    private static final Replica A = new Replica(Gens.volume(1), 0);
    private static final Replica B = new Replica(Gens.volume(2), 0);
    private static final Replica C = new Replica(Gens.volume(3), 0);
    private static final Entry ENTRY = Entry.live(KEY, List.of(A, B, C), 10, Gens.md5(1), 0, T0);

    @Test
    void a_replica_of_the_right_size_and_md5_is_fine_and_anything_else_is_named() {
        assertThat(Verification.ofStat(ENTRY, A, new Stat.Present(10))).isEmpty();
        assertThat(Verification.ofStat(ENTRY, A, new Stat.Present(9))).contains(new Finding.WrongSize(KEY, A, 10, 9));
        assertThat(Verification.ofStat(ENTRY, A, new Stat.Missing())).contains(new Finding.MissingReplica(KEY, A));
        assertThat(Verification.ofChecksum(ENTRY, A, new Checksum.Computed(10, Gens.md5(1)))).isEmpty();
        assertThat(Verification.ofChecksum(ENTRY, A, new Checksum.Computed(10, Gens.md5(2))))
                .contains(new Finding.Corrupt(KEY, A, Gens.md5(1), Gens.md5(2)));
    }

    @Test
    void a_repair_copies_from_a_good_replica_onto_each_bad_one_and_never_from_an_unchecked_one() {
        Seq<Finding> findings = List.of(new Finding.MissingReplica(KEY, A), new Finding.Unchecked(KEY, B, new VolumeFailure.TimedOut("slow")));
        assertThat(Verification.copies(ENTRY, findings)).containsExactly(new Verification.Copy(C, A));
        assertThat(Verification.judge(ENTRY, findings)).contains(new Finding.UnderReplicated(KEY, 1, 3));
    }

    @Test
    void with_no_good_replica_left_the_key_is_lost_and_nothing_is_copied() {
        Seq<Finding> findings = List.of(new Finding.MissingReplica(KEY, A), new Finding.MissingReplica(KEY, B),
                new Finding.WrongSize(KEY, C, 10, 3));
        assertThat(Verification.copies(ENTRY, findings)).isEmpty();
        assertThat(Verification.judge(ENTRY, findings)).contains(new Finding.Lost(KEY));
    }

    @Test
    void files_are_an_orphan_only_when_old_enough_and_named_by_no_entry() {
        var cutoff = T0.plusSeconds(3600);
        BlobPath a = BlobPath.of(KEY, 0, A);
        assertThat(Verification.orphan(Option.none(), A, a, T0, cutoff)).isTrue();
        assertThat(Verification.orphan(Option.none(), A, a, cutoff, cutoff)).isFalse();
        assertThat(Verification.orphan(Option.some(ENTRY), A, a, T0, cutoff)).isFalse();
        Replica elsewhere = new Replica(Gens.volume(4), 0);
        BlobPath e = BlobPath.of(KEY, 0, elsewhere);
        assertThat(Verification.orphan(Option.some(ENTRY), elsewhere, e, T0, cutoff)).isTrue();
        Entry writing = Entry.writing(KEY, List.of(elsewhere), 0, T0);
        assertThat(Verification.orphan(Option.some(writing), elsewhere, e, T0, cutoff)).isFalse();
    }

    @Test
    void files_of_another_generation_are_an_orphan_unless_the_row_holds_them_as_pending_or_retired() {
        var cutoff = T0.plusSeconds(3600);
        Entry current = new Entry(KEY, EntryState.LIVE, List.of(A, B), 10, ENTRY.md5(), T0, T0, 7, Option.none(), List.empty());
        assertThat(Verification.orphan(Option.some(current), A, BlobPath.of(KEY, 7, A), T0, cutoff)).isFalse();
        assertThat(Verification.orphan(Option.some(current), A, BlobPath.of(KEY, 0, A), T0, cutoff)).isTrue();
        assertThat(Verification.orphan(Option.some(current), A, BlobPath.of(KEY, 9, A), T0, cutoff)).isTrue();
        Entry holding = current.withPending(Option.some(new HeldGeneration(9, List.of(A), T0)), T0)
                .withRetired(List.of(new HeldGeneration(3, List.of(B), T0)), T0);
        assertThat(Verification.orphan(Option.some(holding), A, BlobPath.of(KEY, 9, A), T0, cutoff)).isFalse();
        assertThat(Verification.orphan(Option.some(holding), B, BlobPath.of(KEY, 9, B), T0, cutoff)).isTrue();
        assertThat(Verification.orphan(Option.some(holding), B, BlobPath.of(KEY, 3, B), T0, cutoff)).isFalse();
        assertThat(Verification.orphan(Option.some(holding), A, BlobPath.of(KEY, 3, A), T0, cutoff)).isTrue();
    }

    @Test
    void a_temp_file_is_left_over_only_once_it_is_older_than_the_grace_period() {
        var cutoff = T0.plusSeconds(3600);
        assertThat(Verification.leftover(T0, cutoff)).isTrue();
        assertThat(Verification.leftover(cutoff, cutoff)).as("still within the grace period: maybe an upload in progress").isFalse();
        TempFile file = new TempFile("/sv03/.tmp/0000000042");
        assertThat(Verification.describe(new Finding.TempLeftover(Gens.volume(1), file, 7)))
                .isEqualTo("temp file left: " + Gens.volume(1) + "/sv03/.tmp/0000000042 (7 bytes)");
    }

    // ---- LOST: when a key is marked, and when the mark reverts --------------------------------

    private static final io.vavr.collection.Set<Volume> ALL = io.vavr.collection.HashSet.of(A.volume(), B.volume(), C.volume());

    /** One replica's answer: 0 good, 1 missing, 2 wrong size, 3 its volume did not answer. */
    private static Option<Finding> answer(Entry e, Replica r, int kind) {
        return switch (kind) {
            case 0 -> Verification.ofStat(e, r, new Stat.Present(e.size()));
            case 1 -> Verification.ofStat(e, r, new Stat.Missing());
            case 2 -> Verification.ofStat(e, r, new Stat.Present(e.size() + 1));
            default -> Verification.ofStat(e, r, new Stat.Unknown(new VolumeFailure.Unreachable("connection refused")));
        };
    }

    @Test
    void a_key_is_marked_lost_exactly_when_every_replica_answered_missing_or_damaged_on_a_confirmed_volume_and_no_replace_is_pending() {
        var replicas = List.of(A, B, C);
        qt().withExamples(500).forAll(lists().of(integers().between(0, 3)).ofSize(3), lists().of(booleans().all()).ofSize(3),
                booleans().all(), booleans().all()).checkAssert((answers, confirmedFlags, unlinked, pending) -> {
            Entry e = new Entry(KEY, unlinked ? EntryState.UNLINKED : EntryState.LIVE, replicas, 10, Option.of(Gens.md5(1)), T0, T0, 4,
                    pending ? Option.some(new HeldGeneration(5, List.of(A), T0)) : Option.none(), List.empty());
            Seq<Finding> judged = Verification.judge(e, replicas.zipWithIndex().flatMap(t -> answer(e, t._1, answers.get(t._2))));
            io.vavr.collection.Set<Volume> confirmed = replicas.zipWithIndex().filter(t -> confirmedFlags.get(t._2)).map(t -> t._1.volume()).toSet();
            var change = RowChange.after(e, judged, confirmed, T0.plusSeconds(1));
            boolean noneGood = answers.stream().noneMatch(a -> a == 0);
            boolean noneUnanswered = answers.stream().noneMatch(a -> a == 3);
            boolean allConfirmed = confirmedFlags.stream().allMatch(b -> b);
            boolean lost = noneGood && noneUnanswered;
            assertThat(judged.exists(f -> f instanceof Finding.Lost)).as("judged lost").isEqualTo(lost);
            if (lost && allConfirmed && !pending) {
                assertThat(change).isEqualTo(new RowChange.MarkLost(e.lost(T0.plusSeconds(1))));
                assertThat(e.lost(T0).lostFrom()).contains(e.state());
            } else if (lost) {
                assertThat(change).isInstanceOf(RowChange.Unconfirmed.class);
            } else {
                assertThat(change).isEqualTo(new RowChange.Keep());
            }
        });
    }

    @Test
    void an_unreachable_volume_never_makes_a_key_lost_even_when_every_other_replica_is_missing() {
        Seq<Finding> findings = List.of(new Finding.MissingReplica(KEY, A), new Finding.MissingReplica(KEY, B),
                new Finding.Unchecked(KEY, C, new VolumeFailure.Unreachable("connection refused")));
        Seq<Finding> judged = Verification.judge(ENTRY, findings);
        assertThat(judged).contains(new Finding.UnderReplicated(KEY, 0, 3)).doesNotContain(new Finding.Lost(KEY));
        assertThat(RowChange.after(ENTRY, judged, ALL, T0)).isEqualTo(new RowChange.Keep());
    }

    @Test
    void a_lost_row_reverts_to_the_state_it_had_once_any_replica_holds_its_value_again_and_stays_lost_otherwise() {
        qt().withExamples(300).forAll(lists().of(integers().between(0, 3)).ofSize(3), booleans().all()).checkAssert((answers, unlinked) -> {
            Entry was = unlinked ? ENTRY.withState(EntryState.UNLINKED, T0) : ENTRY;
            Entry lost = was.lost(T0.plusSeconds(1));
            Entry view = lost.found(lost.updated());
            Seq<Finding> judged = Verification.judge(view, List.of(A, B, C).zipWithIndex().flatMap(t -> answer(view, t._1, answers.get(t._2))));
            var change = RowChange.after(lost, judged, io.vavr.collection.HashSet.empty(), T0.plusSeconds(2));
            if (answers.contains(0)) {
                assertThat(change).isEqualTo(new RowChange.Restore(was.withState(was.state(), T0.plusSeconds(2))));
                assertThat(((RowChange.Restore) change).next().state()).isEqualTo(was.state());
            } else {
                assertThat(change).isEqualTo(new RowChange.Keep());
            }
        });
    }

    @Test
    void a_lost_rows_own_generation_is_never_an_orphan_wherever_it_lies_but_other_generations_are() {
        var cutoff = T0.plusSeconds(3600);
        Entry lost = new Entry(KEY, EntryState.LIVE, List.of(A, B), 10, ENTRY.md5(), T0, T0, 7, Option.none(), List.empty()).lost(T0);
        Replica elsewhere = new Replica(Gens.volume(4), 0);
        assertThat(Verification.orphan(Option.some(lost), A, BlobPath.of(KEY, 7, A), T0, cutoff)).isFalse();
        assertThat(Verification.orphan(Option.some(lost), elsewhere, BlobPath.of(KEY, 7, elsewhere), T0, cutoff)).isFalse();
        assertThat(Verification.orphan(Option.some(lost), A, BlobPath.of(KEY, 6, A), T0, cutoff)).isTrue();
    }

    @Test
    void a_lost_entry_writes_no_sidecar_and_only_live_or_unlinked_values_can_be_lost() {
        Entry lost = ENTRY.lost(T0);
        org.assertj.core.api.Assertions.assertThatThrownBy(lost::sidecar).isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Entry.writing(KEY, List.of(A), 3, T0).lost(T0))
                .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> lost.lost(T0)).isInstanceOf(IllegalStateException.class);
        // A delete of a lost key marks it WRITING like any other: the lost state is not kept there.
        assertThat(lost.withState(EntryState.WRITING, T0).lostFrom()).isEmpty();
    }
}
