package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.control.Option;
import org.junit.jupiter.api.Test;

/** When a write no process finished is whole on every replica, and what its row becomes. */
class RollForwardTest {
    private static final Key KEY = new Key("/rolled/forward");
    private static final Sidecar S = new Sidecar(KEY, 5, Gens.md5(1), EntryState.LIVE, T0, 9, Sidecar.FORMAT);
    private static final SidecarRead FOUND = new SidecarRead.Found(S);
    private static final Stat PRESENT = new Stat.Present(5);

    @Test
    void every_replica_holding_the_same_sidecar_beside_a_blob_of_its_size_is_whole() {
        assertThat(RollForward.whole(KEY, 9, List.of(FOUND, FOUND), List.of(PRESENT, PRESENT))).contains(S);
    }

    @Test
    void one_replica_short_of_whole_or_unasked_is_not() {
        assertThat(RollForward.whole(KEY, 9, List.of(FOUND, new SidecarRead.Missing()), List.of(PRESENT, PRESENT))).isEmpty();
        assertThat(RollForward.whole(KEY, 9, List.of(FOUND, FOUND), List.of(PRESENT, new Stat.Missing()))).isEmpty();
        assertThat(RollForward.whole(KEY, 9, List.of(FOUND, FOUND), List.of(PRESENT, new Stat.Present(4)))).isEmpty();
        assertThat(RollForward.whole(KEY, 9, List.of(FOUND, new SidecarRead.Failed(new VolumeFailure.Unreachable("down"))),
                List.of(PRESENT, PRESENT))).isEmpty();
        assertThat(RollForward.whole(KEY, 9, List.empty(), List.empty())).isEmpty();
    }

    @Test
    void sidecars_that_disagree_or_name_another_generation_or_key_are_not_whole() {
        SidecarRead other = new SidecarRead.Found(new Sidecar(KEY, 5, Gens.md5(2), EntryState.LIVE, T0, 9, Sidecar.FORMAT));
        assertThat(RollForward.whole(KEY, 9, List.of(FOUND, other), List.of(PRESENT, PRESENT))).isEmpty();
        assertThat(RollForward.whole(KEY, 8, List.of(FOUND, FOUND), List.of(PRESENT, PRESENT))).isEmpty();
        assertThat(RollForward.whole(new Key("/another"), 9, List.of(FOUND, FOUND), List.of(PRESENT, PRESENT))).isEmpty();
    }

    @Test
    void only_a_write_never_answered_may_be_completed() {
        Replica r = new Replica(Gens.volume(1), 0);
        Entry reserved = Entry.writing(KEY, List.of(r), 9, T0);
        assertThat(reserved.unanswered()).isTrue();
        assertThat(reserved.abandoned(T0).unanswered()).isFalse();
        Entry deleting = Entry.live(KEY, List.of(r), 5, Gens.md5(1), 9, T0).withState(EntryState.WRITING, T0);
        assertThat(deleting.unanswered()).isFalse();
        Entry live = Entry.live(KEY, List.of(r), 5, Gens.md5(1), 9, T0);
        Entry marked = live.withPending(Option.some(new HeldGeneration(10, List.of(r), T0.plusSeconds(1))), T0.plusSeconds(1));
        assertThat(marked.unanswered()).isTrue();
        assertThat(marked.abandoned(T0.plusSeconds(1)).unanswered()).isFalse();
        assertThat(live.unanswered()).isFalse();
    }
}
