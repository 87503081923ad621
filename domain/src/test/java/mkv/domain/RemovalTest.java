package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.HashSet;
import io.vavr.collection.List;
import io.vavr.control.Option;
import mkv.domain.Removal.Decision;
import mkv.domain.Removal.Deleted;
import org.junit.jupiter.api.Test;

/** The DELETE and UNLINK decisions, and what a delete's volume calls leave behind. */
class RemovalTest {

    private static final Key KEY = new Key("/remove/me");
    private static final Replica A = new Replica(Gens.volume(1), 0);
    private static final Replica B = new Replica(Gens.volume(2), 4);
    private static final HealthSnapshot UP = HealthSnapshot.allUp();

    private static Entry entry(EntryState state) {
        return new Entry(KEY, state, List.of(A, B), 10, Option.of(Gens.md5(2)), T0, T0);
    }

    private static Option<Entry> some(EntryState state) {
        return Option.of(entry(state));
    }

    private static HealthSnapshot down(Volume v) {
        return new HealthSnapshot(HashSet.of(v));
    }

    @Test
    void deleting_an_absent_key_is_absent() {
        assertThat(Removal.decideDelete(Option.none(), false, UP)).isEqualTo(new Decision.Absent());
        assertThat(Removal.decideDelete(Option.none(), true, UP)).isEqualTo(new Decision.Absent());
    }

    @Test
    void delete_removes_live_and_unlinked_keys_alike_without_protect() {
        assertThat(Removal.decideDelete(some(EntryState.LIVE), false, UP)).isEqualTo(new Decision.Proceed(entry(EntryState.LIVE)));
        assertThat(Removal.decideDelete(some(EntryState.UNLINKED), false, UP))
                .isEqualTo(new Decision.Proceed(entry(EntryState.UNLINKED)));
    }

    @Test
    void under_protect_a_live_key_must_be_unlinked_first() {
        assertThat(Removal.decideDelete(some(EntryState.LIVE), true, UP)).isEqualTo(new Decision.Protected(entry(EntryState.LIVE)));
        assertThat(Removal.decideDelete(some(EntryState.UNLINKED), true, UP))
                .isEqualTo(new Decision.Proceed(entry(EntryState.UNLINKED)));
    }

    @Test
    void a_key_being_written_is_busy_for_delete_and_unlink() {
        assertThat(Removal.decideDelete(some(EntryState.WRITING), false, UP)).isEqualTo(new Decision.Busy(entry(EntryState.WRITING)));
        assertThat(Removal.decideDelete(some(EntryState.WRITING), true, UP)).isEqualTo(new Decision.Busy(entry(EntryState.WRITING)));
        assertThat(Removal.decideUnlink(some(EntryState.WRITING), UP)).isEqualTo(new Decision.Busy(entry(EntryState.WRITING)));
    }

    @Test
    void a_down_replica_refuses_a_delete_before_it_starts() {
        assertThat(Removal.decideDelete(some(EntryState.LIVE), false, down(B.volume())))
                .isEqualTo(new Decision.Unavailable(List.of(B.volume())));
        assertThat(Removal.decideDelete(some(EntryState.UNLINKED), true, down(A.volume())))
                .isEqualTo(new Decision.Unavailable(List.of(A.volume())));
    }

    @Test
    void protect_is_answered_before_health() {
        assertThat(Removal.decideDelete(some(EntryState.LIVE), true, down(A.volume()))).isInstanceOf(Decision.Protected.class);
    }

    @Test
    void only_a_live_key_can_be_unlinked() {
        assertThat(Removal.decideUnlink(some(EntryState.LIVE), UP)).isEqualTo(new Decision.Proceed(entry(EntryState.LIVE)));
        assertThat(Removal.decideUnlink(some(EntryState.UNLINKED), UP)).isEqualTo(new Decision.Absent());
        assertThat(Removal.decideUnlink(Option.none(), UP)).isEqualTo(new Decision.Absent());
    }

    @Test
    void unlink_needs_every_replica_up_to_rewrite_its_sidecar() {
        assertThat(Removal.decideUnlink(some(EntryState.LIVE), down(A.volume())))
                .isEqualTo(new Decision.Unavailable(List.of(A.volume())));
    }

    @Test
    void a_delete_where_every_call_succeeded_is_gone() {
        assertThat(Removal.afterDelete(List.of(new Transfer.Done(A), new Transfer.Done(B)))).isEqualTo(new Deleted.Gone());
    }

    @Test
    void a_partly_failed_delete_names_the_failures_and_leaves_the_row_to_recovery() {
        Transfer.Failed failed = new Transfer.Failed(B, new VolumeFailure.TimedOut("30s"));
        assertThat(Removal.afterDelete(List.of(new Transfer.Done(A), failed))).isEqualTo(new Deleted.Partly(List.of(failed)));
    }

    @Test
    void the_delete_marker_is_writing_names_every_file_and_owes_no_sidecar() {
        Entry owing = entry(EntryState.UNLINKED).withOwed(true, T0);
        Entry marker = Removal.deleting(owing, T0.plusSeconds(1));
        assertThat(marker.state()).isEqualTo(EntryState.WRITING);
        assertThat(marker.owed()).isFalse();
        assertThat(marker.allFiles()).isEqualTo(owing.withOwed(false, T0.plusSeconds(1)).allFiles());
    }

    @Test
    void only_an_unlinked_key_can_be_relinked_and_only_with_every_replica_up() {
        assertThat(Removal.decideRelink(Option.none(), UP)).isEqualTo(new Decision.Absent());
        assertThat(Removal.decideRelink(some(EntryState.UNLINKED), UP)).isEqualTo(new Decision.Proceed(entry(EntryState.UNLINKED)));
        assertThat(Removal.decideRelink(some(EntryState.LIVE), UP)).isEqualTo(new Decision.AlreadyLive(entry(EntryState.LIVE)));
        assertThat(Removal.decideRelink(some(EntryState.WRITING), UP)).isEqualTo(new Decision.Busy(entry(EntryState.WRITING)));
        assertThat(Removal.decideRelink(some(EntryState.UNLINKED), down(B.volume()))).isEqualTo(new Decision.Unavailable(List.of(B.volume())));
        Entry replacing = entry(EntryState.UNLINKED).withPending(Option.some(new HeldGeneration(9, List.of(A), T0)), T0);
        assertThat(Removal.decideRelink(Option.of(replacing), UP)).isEqualTo(new Decision.Busy(replacing));
    }

    @Test
    void an_intent_commits_the_new_state_owing_its_sidecars_and_settles_only_when_every_write_succeeded() {
        Entry intent = Removal.intent(entry(EntryState.LIVE), EntryState.UNLINKED, T0.plusSeconds(1));
        assertThat(intent.state()).isEqualTo(EntryState.UNLINKED);
        assertThat(intent.owed()).isTrue();
        assertThat(intent.sidecar().state()).isEqualTo(EntryState.UNLINKED);

        assertThat(Removal.afterRestate(intent, List.of(new Transfer.Done(A), new Transfer.Done(B)), T0.plusSeconds(2)))
                .isEqualTo(new Removal.Restated.Settled(intent.withOwed(false, T0.plusSeconds(2))));
        Transfer.Failed failed = new Transfer.Failed(B, new VolumeFailure.Refused(500));
        assertThat(Removal.afterRestate(intent, List.of(new Transfer.Done(A), failed), T0.plusSeconds(2)))
                .isEqualTo(new Removal.Restated.Owing(List.of(failed)));
    }

    @Test
    void a_lost_key_can_be_deleted_with_its_volumes_up_but_never_unlinked() {
        Entry lost = entry(EntryState.LIVE).lost(T0);
        assertThat(Removal.decideDelete(Option.some(lost), true, UP)).isEqualTo(new Removal.Decision.Proceed(lost));
        assertThat(Removal.decideDelete(Option.some(lost), false, down(A.volume()))).isEqualTo(new Removal.Decision.Unavailable(List.of(A.volume())));
        assertThat(Removal.decideUnlink(Option.some(lost), UP)).isEqualTo(new Removal.Decision.Lost(lost));
    }
}
