package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.control.Option;
import mkv.domain.Identity.Seen;
import mkv.domain.Identity.Verdict;
import org.junit.jupiter.api.Test;

class IdentityTest {
    static final ClusterId OURS = new ClusterId("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    static final ClusterId THEIRS = new ClusterId("11111111-2222-4333-8444-555555555555");
    static final ClusterId NEW = new ClusterId("99999999-8888-4777-8666-555555555555");
    static final Volume V1 = new Volume("v1", 3001);
    static final Volume V2 = new Volume("v2", 3001);

    static Seen stamped(Volume v, ClusterId id) {
        return new Seen(v, new VolumeMark.Stamped(id), Option.none());
    }

    static Seen blank(Volume v, boolean holdsData) {
        return new Seen(v, new VolumeMark.Blank(), Option.some(holdsData));
    }

    static Seen unreachable(Volume v) {
        return new Seen(v, new VolumeMark.Failed(new VolumeFailure.Unreachable("refused")), Option.none());
    }

    @Test
    void an_index_with_an_id_stamps_blank_volumes_and_starts() {
        Verdict v = Identity.atStart(Option.some(OURS), -1, List.of(stamped(V1, OURS), blank(V2, true)), false, NEW);
        assertThat(v).isEqualTo(new Verdict.Proceed(OURS, false, List.of(V2), List.empty()));
    }

    @Test
    void an_index_with_an_id_refuses_a_volume_of_another_cluster_even_when_told_to_allow_a_fresh_index() {
        Verdict v = Identity.atStart(Option.some(OURS), 10, List.of(stamped(V1, OURS), stamped(V2, THEIRS)), true, NEW);
        assertThat(v).isInstanceOf(Verdict.Refuse.class);
        assertThat(((Verdict.Refuse) v).reasons().mkString()).contains("v2:3001 belongs to cluster " + THEIRS);
    }

    @Test
    void an_index_with_an_id_starts_with_a_volume_down_and_says_it_was_not_checked() {
        Verdict v = Identity.atStart(Option.some(OURS), -1, List.of(stamped(V1, OURS), unreachable(V2)), false, NEW);
        assertThat(v).isInstanceOf(Verdict.Proceed.class);
        assertThat(((Verdict.Proceed) v).warnings().mkString()).contains("v2:3001 could not be asked");
    }

    @Test
    void an_index_from_before_identities_takes_a_new_id_and_stamps_its_volumes() {
        Verdict v = Identity.atStart(Option.none(), 5, List.of(blank(V1, true), blank(V2, true)), false, NEW);
        assertThat(v).isEqualTo(new Verdict.Proceed(NEW, true, List.of(V1, V2), List.empty()));
    }

    @Test
    void an_index_with_entries_but_no_id_is_refused_over_stamped_volumes() {
        Verdict v = Identity.atStart(Option.none(), 5, List.of(stamped(V1, OURS)), true, NEW);
        assertThat(v).isInstanceOf(Verdict.Refuse.class);
    }

    @Test
    void a_fresh_index_over_new_volumes_starts_a_new_cluster() {
        Verdict v = Identity.atStart(Option.none(), 0, List.of(blank(V1, false), blank(V2, false)), false, NEW);
        assertThat(v).isEqualTo(new Verdict.Proceed(NEW, true, List.of(V1, V2), List.empty()));
    }

    @Test
    void a_fresh_index_is_refused_over_data_a_cluster_or_a_volume_it_cannot_reach() {
        for (Seen risky : List.of(blank(V2, true), stamped(V2, THEIRS), unreachable(V2))) {
            Verdict v = Identity.atStart(Option.none(), 0, List.of(blank(V1, false), risky), false, NEW);
            assertThat(v).as(risky.toString()).isInstanceOf(Verdict.Refuse.class);
            assertThat(((Verdict.Refuse) v).freshIndex()).isTrue();
        }
    }

    @Test
    void a_fresh_index_allowed_over_a_stamped_volume_joins_that_cluster() {
        Verdict v = Identity.atStart(Option.none(), 0, List.of(blank(V1, true), stamped(V2, THEIRS)), true, NEW);
        assertThat(v).isInstanceOf(Verdict.Proceed.class);
        assertThat(((Verdict.Proceed) v).id()).isEqualTo(THEIRS);
        assertThat(((Verdict.Proceed) v).stamp()).containsExactly(V1);
    }

    @Test
    void volumes_of_two_clusters_or_a_garbled_marker_are_always_refused() {
        var mixed = List.of(stamped(V1, OURS), stamped(V2, THEIRS));
        var garbled = List.of(stamped(V1, OURS), new Seen(V2, new VolumeMark.Garbled("not JSON"), Option.none()));
        for (var seen : List.of(mixed, garbled)) {
            assertThat(Identity.atStart(Option.none(), 0, seen, true, NEW)).isInstanceOf(Verdict.Refuse.class);
            assertThat(Identity.fromVolumes(seen).isLeft()).isTrue();
            assertThat(Identity.mismatches(Option.some(OURS), seen)).isNotEmpty();
        }
    }

    @Test
    void an_admin_tool_accepts_its_own_and_blank_volumes_and_refuses_others_or_an_index_without_id_over_stamped_ones() {
        assertThat(Identity.mismatches(Option.some(OURS), List.of(stamped(V1, OURS), blank(V2, true), unreachable(V2)))).isEmpty();
        assertThat(Identity.mismatches(Option.some(OURS), List.of(stamped(V1, THEIRS)))).hasSize(1);
        assertThat(Identity.mismatches(Option.none(), List.of(stamped(V1, OURS)))).hasSize(1);
        assertThat(Identity.mismatches(Option.none(), List.of(blank(V1, true)))).isEmpty();
    }

    @Test
    void a_rebuilt_index_takes_the_volumes_id_or_none() {
        assertThat(Identity.fromVolumes(List.of(stamped(V1, OURS), blank(V2, true))).get()).isEqualTo(Option.some(OURS));
        assertThat(Identity.fromVolumes(List.of(blank(V1, true))).get()).isEqualTo(Option.none());
    }

    @Test
    void a_cluster_id_is_a_lowercase_uuid() {
        assertThat(ClusterId.parse(" " + OURS.value() + "\n").get()).isEqualTo(OURS);
        assertThat(ClusterId.parse("not-an-id").isLeft()).isTrue();
        assertThat(ClusterId.parse(OURS.value().toUpperCase()).isLeft()).isTrue();
    }
}
