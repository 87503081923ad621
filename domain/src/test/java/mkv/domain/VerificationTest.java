package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;

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
}
