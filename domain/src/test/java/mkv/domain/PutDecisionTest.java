package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.booleans;

import io.vavr.collection.HashSet;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import org.junit.jupiter.api.Test;

/** Whether a PUT may go ahead: the state of the key first, then the health of its targets. */
class PutDecisionTest {

    private static final Key KEY = new Key("/put/me");
    private static final Replica A = new Replica(Gens.volume(1), 0);
    private static final Replica B = new Replica(Gens.volume(2), 0);
    private static final Seq<Replica> TARGETS = List.of(A, B);

    private static Entry inState(EntryState state) {
        return new Entry(KEY, state, List.of(new Replica(Gens.volume(5), 2)), 4, Option.of(Gens.md5(1)), T0, T0);
    }

    private static HealthSnapshot down(Volume... volumes) {
        return new HealthSnapshot(HashSet.of(volumes));
    }

    @Test
    void a_new_key_with_healthy_targets_proceeds_with_no_predecessor() {
        assertThat(PutDecision.decide(Option.none(), TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.Create(TARGETS));
    }

    @Test
    void a_live_key_is_never_overwritten() {
        Entry live = inState(EntryState.LIVE);
        assertThat(PutDecision.decide(Option.of(live), TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.AlreadyExists(live));
    }

    @Test
    void a_live_key_is_already_there_even_when_a_target_is_down() {
        Entry live = inState(EntryState.LIVE);
        assertThat(PutDecision.decide(Option.of(live), TARGETS, down(A.volume())))
                .isEqualTo(new PutDecision.AlreadyExists(live));
    }

    @Test
    void a_key_being_written_or_deleted_is_busy() {
        Entry writing = inState(EntryState.WRITING);
        assertThat(PutDecision.decide(Option.of(writing), TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.Busy(writing));
    }

    @Test
    void an_unlinked_key_is_replaced_by_a_new_generation_beside_its_value() {
        Entry unlinked = inState(EntryState.UNLINKED);
        assertThat(PutDecision.decide(Option.of(unlinked), TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.Replace(unlinked, TARGETS));
    }

    @Test
    void a_key_with_a_replace_in_progress_is_busy() {
        Entry replacing = inState(EntryState.UNLINKED).withPending(Option.some(new HeldGeneration(9, TARGETS, T0)), T0);
        assertThat(PutDecision.decide(Option.of(replacing), TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.Busy(replacing));
    }

    @Test
    void a_down_target_refuses_the_write_and_names_only_the_down_volumes() {
        assertThat(PutDecision.decide(Option.none(), TARGETS, down(B.volume(), Gens.volume(9))))
                .isEqualTo(new PutDecision.Unavailable(List.of(B.volume())));
        assertThat(PutDecision.decide(Option.of(inState(EntryState.UNLINKED)), TARGETS, down(A.volume())))
                .isEqualTo(new PutDecision.Unavailable(List.of(A.volume())));
    }

    @Test
    void a_down_volume_outside_the_targets_does_not_matter() {
        assertThat(PutDecision.decide(Option.none(), TARGETS, down(Gens.volume(9))))
                .isInstanceOf(PutDecision.Create.class);
    }

    @Test
    void proceeding_means_every_target_is_up() {
        qt().withExamples(500).forAll(Gens.replicaSets(1, 5), lists().of(booleans().all()).ofSize(5))
                .checkAssert((targets, ups) -> {
                    Seq<Volume> downs = targets.zipWith(ups, (r, up) -> up ? null : r.volume()).filter(v -> v != null);
                    PutDecision d = PutDecision.decide(Option.none(), targets, new HealthSnapshot(HashSet.ofAll(downs)));
                    if (downs.isEmpty()) assertThat(d).isEqualTo(new PutDecision.Create(targets));
                    else assertThat(d).isEqualTo(new PutDecision.Unavailable(downs));
                });
    }

    // ---- conditions -------------------------------------------------------------------------

    private static final PutCondition CREATE = new PutCondition.CreateOnly();
    private static final PutCondition ANY = new PutCondition.ReplaceAny();

    @Test
    void if_match_star_replaces_a_live_value_and_finds_none_in_an_absent_or_unlinked_key() {
        Entry live = inState(EntryState.LIVE);
        assertThat(PutDecision.decide(Option.of(live), ANY, TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.Replace(live, TARGETS));
        assertThat(PutDecision.decide(Option.none(), ANY, TARGETS, HealthSnapshot.allUp())).isEqualTo(new PutDecision.NoLiveValue());
        assertThat(PutDecision.decide(Option.of(inState(EntryState.UNLINKED)), ANY, TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.NoLiveValue());
    }

    @Test
    void if_match_an_md5_replaces_only_that_live_value() {
        Entry live = inState(EntryState.LIVE);
        assertThat(PutDecision.decide(Option.of(live), new PutCondition.ReplaceIf(Gens.md5(1)), TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.Replace(live, TARGETS));
        for (Option<Entry> other : List.<Option<Entry>>of(Option.of(live), Option.none(), Option.of(inState(EntryState.UNLINKED)))) {
            PutCondition wrong = other.contains(live) ? new PutCondition.ReplaceIf(Gens.md5(2)) : new PutCondition.ReplaceIf(Gens.md5(1));
            assertThat(PutDecision.decide(other, wrong, TARGETS, HealthSnapshot.allUp())).isEqualTo(new PutDecision.PreconditionFailed());
        }
    }

    @Test
    void create_only_refuses_a_live_key_and_replaces_an_unlinked_one() {
        Entry live = inState(EntryState.LIVE);
        assertThat(PutDecision.decide(Option.of(live), CREATE, TARGETS, HealthSnapshot.allUp())).isEqualTo(new PutDecision.AlreadyExists(live));
        Entry unlinked = inState(EntryState.UNLINKED);
        assertThat(PutDecision.decide(Option.of(unlinked), CREATE, TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.Replace(unlinked, TARGETS));
    }

    @Test
    void a_busy_key_is_busy_whatever_the_condition_and_a_down_target_refuses_a_replace() {
        Entry writing = inState(EntryState.WRITING);
        for (PutCondition c : List.of(CREATE, ANY, new PutCondition.ReplaceIf(Gens.md5(1)))) {
            assertThat(PutDecision.decide(Option.of(writing), c, TARGETS, HealthSnapshot.allUp())).isEqualTo(new PutDecision.Busy(writing));
        }
        assertThat(PutDecision.decide(Option.of(inState(EntryState.LIVE)), ANY, TARGETS, down(B.volume())))
                .isEqualTo(new PutDecision.Unavailable(List.of(B.volume())));
    }

    @Test
    void a_lost_value_is_written_over_without_a_condition_and_fails_every_if_match_having_no_current_value() {
        Entry lost = inState(EntryState.LIVE).lost(T0);
        assertThat(PutDecision.decide(Option.some(lost), TARGETS, HealthSnapshot.allUp())).isEqualTo(new PutDecision.Replace(lost, TARGETS));
        assertThat(PutDecision.decide(Option.some(lost), new PutCondition.ReplaceAny(), TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.ValueLost(lost));
        // Even the lost value's own md5: it names a value no replica holds any more.
        assertThat(PutDecision.decide(Option.some(lost), new PutCondition.ReplaceIf(Gens.md5(1)), TARGETS, HealthSnapshot.allUp()))
                .isEqualTo(new PutDecision.ValueLost(lost));
        assertThat(PutDecision.decide(Option.some(lost), TARGETS, down(A.volume()))).isEqualTo(new PutDecision.Unavailable(List.of(A.volume())));
    }
}
