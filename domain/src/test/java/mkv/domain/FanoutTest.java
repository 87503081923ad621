package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;
import mkv.domain.Fanout.Failure;
import mkv.domain.Fanout.Settled;
import org.junit.jupiter.api.Test;

/** Folding a fan-out write's replies: LIVE only when everything arrived everywhere. */
class FanoutTest {

    private static final Key KEY = new Key("/fan/out");
    private static final Replica A = new Replica(Gens.volume(1), 0);
    private static final Replica B = new Replica(Gens.volume(2), 3);
    private static final Replica OLD = new Replica(Gens.volume(3), 1);
    private static final Md5 MD5 = Gens.md5(7);
    private static final Instant LATER = T0.plusSeconds(5);

    private static Transfer.Failed failed(Replica r) {
        return new Transfer.Failed(r, new VolumeFailure.Refused(507));
    }

    private static BlobWrite wrote(long size, Transfer... transfers) {
        return new BlobWrite(List.of(transfers), size, MD5, Option.none());
    }

    @Test
    void every_target_done_makes_the_entry_live_on_the_targets() {
        Entry writing = Entry.writing(KEY, List.of(A, B, OLD), 0, T0);
        Settled s = Fanout.afterBlobs(writing, List.of(A, B), wrote(12, new Transfer.Done(A), new Transfer.Done(B)), Option.none(), LATER);

        assertThat(s).isEqualTo(new Settled.Live(new Entry(KEY, EntryState.LIVE, List.of(A, B), 12, Option.of(MD5), T0, LATER)));
    }

    @Test
    void one_failed_replica_rolls_back_everything_the_reservation_names() {
        Entry writing = Entry.writing(KEY, List.of(A, B, OLD), 0, T0);
        Settled s = Fanout.afterBlobs(writing, List.of(A, B), wrote(12, new Transfer.Done(A), failed(B)), Option.none(), LATER);

        assertThat(s).isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.ReplicasFailed(List.of(failed(B)))));
    }

    @Test
    void a_target_that_was_never_reached_is_not_rolled_back_but_a_lost_connection_is() {
        Entry writing = Entry.writing(KEY, List.of(A, B, OLD), 0, T0);
        var unreachable = new Transfer.Failed(B, new VolumeFailure.Unreachable("refused"));
        Settled s = Fanout.afterBlobs(writing, List.of(A, B), wrote(12, new Transfer.Done(A), unreachable), Option.none(), LATER);
        assertThat(s).isEqualTo(new Settled.RollBack(List.of(A, OLD), new Failure.ReplicasFailed(List.of(unreachable))));

        var lost = new Transfer.Failed(B, new VolumeFailure.Lost("reset"));
        Settled t = Fanout.afterBlobs(writing, List.of(A, B), wrote(12, new Transfer.Done(A), lost), Option.none(), LATER);
        assertThat(t).isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.ReplicasFailed(List.of(lost))));
    }

    @Test
    void a_missing_reply_counts_as_a_failure() {
        Entry writing = Entry.writing(KEY, List.of(A, B), 0, T0);
        Settled s = Fanout.afterBlobs(writing, List.of(A, B), wrote(12, new Transfer.Done(A)), Option.none(), LATER);

        assertThat(s).isInstanceOf(Settled.RollBack.class);
        assertThat(((Settled.RollBack) s).delete()).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void a_broken_body_is_blamed_on_the_client_even_when_replicas_failed_too() {
        Entry writing = Entry.writing(KEY, List.of(A, B), 0, T0);
        BlobWrite broken = new BlobWrite(List.of(failed(A), failed(B)), 3, MD5, Option.of("client went away"));

        assertThat(Fanout.afterBlobs(writing, List.of(A, B), broken, Option.none(), LATER))
                .isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.BodyBroken("client went away")));
    }

    @Test
    void an_empty_body_is_rolled_back_even_though_every_replica_took_it() {
        Entry writing = Entry.writing(KEY, List.of(A), 0, T0);
        assertThat(Fanout.afterBlobs(writing, List.of(A), wrote(0, new Transfer.Done(A)), Option.none(), LATER))
                .isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.EmptyBody()));
    }

    @Test
    void a_body_whose_md5_differs_from_the_declared_one_rolls_back_everything_and_names_both() {
        Entry writing = Entry.writing(KEY, List.of(A, B, OLD), 0, T0);
        Md5 declared = Gens.md5(8);

        assertThat(Fanout.afterBlobs(writing, List.of(A, B), wrote(12, new Transfer.Done(A), new Transfer.Done(B)), Option.of(declared), LATER))
                .isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.Md5Mismatch(declared, MD5)));
    }

    @Test
    void a_wrong_md5_is_blamed_on_the_client_before_a_failed_replica_but_after_a_broken_body() {
        Entry writing = Entry.writing(KEY, List.of(A, B), 0, T0);
        Md5 declared = Gens.md5(8);

        assertThat(Fanout.afterBlobs(writing, List.of(A, B), wrote(12, new Transfer.Done(A), failed(B)), Option.of(declared), LATER))
                .isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.Md5Mismatch(declared, MD5)));
        BlobWrite broken = new BlobWrite(List.of(failed(A), failed(B)), 3, MD5, Option.of("client went away"));
        assertThat(Fanout.afterBlobs(writing, List.of(A, B), broken, Option.of(declared), LATER))
                .isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.BodyBroken("client went away")));
    }

    @Test
    void a_failed_sidecar_rolls_back_the_whole_write() {
        Entry writing = Entry.writing(KEY, List.of(A, B), 0, T0);
        Entry live = Entry.live(KEY, List.of(A, B), 12, MD5, 0, LATER);

        assertThat(Fanout.afterSidecars(writing, live, List.of(new Transfer.Done(A), failed(B))))
                .isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.ReplicasFailed(List.of(failed(B)))));
        assertThat(Fanout.afterSidecars(writing, live, List.of(new Transfer.Done(A), new Transfer.Done(B))))
                .isEqualTo(new Settled.Live(live));
    }

    @Test
    void failures_keeps_only_the_failed_transfers_in_order() {
        assertThat(Fanout.failures(List.of(failed(B), new Transfer.Done(A), failed(OLD))))
                .containsExactly(failed(B), failed(OLD));
        assertThat(Fanout.failures(List.empty())).isEmpty();
    }

    @Test
    void folding_never_yields_live_when_any_replica_failed() {
        qt().withExamples(1000)
                .forAll(Gens.replicaSets(1, 4), lists().of(booleans().all()).ofSize(4), longs().between(0, 1000),
                        integers().between(0, 3))
                .checkAssert((targets, oks, size, extra) -> {
                    Seq<Transfer> transfers = targets.zipWith(oks, (r, ok) -> ok ? new Transfer.Done(r) : failed(r));
                    // Sometimes the adapter (wrongly) drops replies: the fold must not be fooled.
                    Seq<Transfer> replies = transfers.dropRight(extra == 3 ? 1 : 0);
                    Entry writing = Entry.writing(KEY, targets, 0, T0);
                    Settled s = Fanout.afterBlobs(writing, targets, new BlobWrite(replies, size, MD5, Option.none()), Option.none(), LATER);

                    boolean whole = replies.size() == targets.size() && replies.forAll(Transfer::ok) && size > 0;
                    assertThat(s instanceof Settled.Live).isEqualTo(whole);
                    if (s instanceof Settled.RollBack(Seq<Replica> delete, Failure why)) {
                        assertThat(delete).containsExactlyInAnyOrderElementsOf(writing.replicas());
                        if (why instanceof Failure.ReplicasFailed(Seq<Transfer.Failed> failures)) {
                            assertThat(failures).containsExactlyElementsOf(Fanout.failures(replies));
                        }
                    }
                    if (s instanceof Settled.Live(Entry live)) {
                        assertThat(live.replicas()).containsExactlyInAnyOrderElementsOf(targets);
                        assertThat(live.is(EntryState.LIVE)).isTrue();
                        assertThat(live.size()).isEqualTo(size);
                    }
                });
    }

    @Test
    void folding_never_yields_live_when_the_declared_md5_differs_and_a_matching_one_changes_nothing() {
        qt().withExamples(1000)
                .forAll(Gens.replicaSets(1, 4), lists().of(booleans().all()).ofSize(4), longs().between(0, 1000),
                        integers().between(0, 20))
                .checkAssert((targets, oks, size, seed) -> {
                    Seq<Transfer> replies = targets.zipWith(oks, (r, ok) -> ok ? new Transfer.Done(r) : failed(r));
                    Entry writing = Entry.writing(KEY, targets, 0, T0);
                    BlobWrite write = new BlobWrite(replies, size, MD5, Option.none());
                    Md5 declared = Gens.md5(seed);

                    Settled undeclared = Fanout.afterBlobs(writing, targets, write, Option.none(), LATER);
                    Settled checked = Fanout.afterBlobs(writing, targets, write, Option.of(declared), LATER);

                    if (declared.equals(MD5)) {
                        assertThat(checked).isEqualTo(undeclared);
                    } else {
                        assertThat(checked).isEqualTo(new Settled.RollBack(writing.replicas(), new Failure.Md5Mismatch(declared, MD5)));
                    }
                });
    }
}
