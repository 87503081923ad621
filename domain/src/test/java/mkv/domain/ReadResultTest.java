package mkv.domain;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.vavr.collection.HashSet;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import org.junit.jupiter.api.Test;

/** Where a read goes: a healthy replica of a live key, spread by the draw. */
class ReadResultTest {

    private static final Key KEY = new Key("/read/me");
    private static final Replica A = new Replica(Gens.volume(1), 0);
    private static final Replica B = new Replica(Gens.volume(2), 5);
    private static final Replica C = new Replica(Gens.volume(3), 9);

    private static Entry entry(EntryState state, Replica... replicas) {
        return new Entry(KEY, state, List.of(replicas), 10, Option.of(Gens.md5(3)), T0, T0);
    }

    private static HealthSnapshot down(Volume... volumes) {
        return new HealthSnapshot(HashSet.of(volumes));
    }

    @Test
    void no_entry_is_absent() {
        assertThat(ReadResult.choose(Option.none(), HealthSnapshot.allUp(), 0)).isEqualTo(new ReadResult.Absent());
    }

    @Test
    void an_unlinked_or_writing_key_is_absent() {
        assertThat(ReadResult.choose(Option.of(entry(EntryState.UNLINKED, A)), HealthSnapshot.allUp(), 0))
                .isEqualTo(new ReadResult.Absent());
        Entry writing = Entry.writing(KEY, List.of(A), 0, T0);
        assertThat(ReadResult.choose(Option.of(writing), HealthSnapshot.allUp(), 0)).isEqualTo(new ReadResult.Absent());
    }

    @Test
    void a_live_key_is_read_from_a_healthy_replica() {
        Entry e = entry(EntryState.LIVE, A, B, C);
        for (int draw = -5; draw < 5; draw++) {
            assertThat(ReadResult.choose(Option.of(e), down(A.volume(), C.volume()), draw))
                    .isEqualTo(new ReadResult.Found(e, B));
        }
    }

    @Test
    void a_replica_on_a_suspect_volume_is_chosen_only_when_no_trusted_one_is_up() {
        Entry e = entry(EntryState.LIVE, A, B, C);
        HealthSnapshot bSuspect = new HealthSnapshot(HashSet.empty(), HashSet.of(B.volume()));
        for (int draw = -5; draw < 5; draw++) {
            assertThat(ReadResult.choose(Option.of(e), bSuspect, draw)).isNotEqualTo(new ReadResult.Found(e, B));
        }
        HealthSnapshot onlyBLeft = new HealthSnapshot(HashSet.of(A.volume(), C.volume()), HashSet.of(B.volume()));
        assertThat(ReadResult.choose(Option.of(e), onlyBLeft, 3)).isEqualTo(new ReadResult.Found(e, B));
    }

    @Test
    void when_every_replica_is_suspect_the_read_goes_to_the_one_that_answered_a_probe_most_recently() {
        // On a loaded machine a healthy volume may miss a probe in the same round a hung one does;
        // the hung one stopped answering earlier, so it stays behind.
        Entry e = entry(EntryState.LIVE, A, B);
        HealthSnapshot bothSuspect = new HealthSnapshot(HashSet.empty(), HashSet.of(A.volume(), B.volume()),
                io.vavr.collection.HashMap.of(A.volume(), 41L, B.volume(), 40L));
        for (int draw = -5; draw < 5; draw++) {
            assertThat(ReadResult.choose(Option.of(e), bothSuspect, draw)).isEqualTo(new ReadResult.Found(e, A));
        }
        HealthSnapshot sameRound = new HealthSnapshot(HashSet.empty(), HashSet.of(A.volume(), B.volume()),
                io.vavr.collection.HashMap.of(A.volume(), 41L, B.volume(), 41L));
        assertThat(List.range(0, 10).map(draw -> ReadResult.choose(Option.of(e), sameRound, draw)).distinct()).hasSize(2);
    }

    @Test
    void every_replica_down_is_unavailable() {
        Entry e = entry(EntryState.LIVE, A, B);
        assertThat(ReadResult.choose(Option.of(e), down(A.volume(), B.volume()), 1)).isEqualTo(new ReadResult.Unavailable(e));
    }

    @Test
    void any_draw_even_the_extremes_picks_a_replica() {
        Entry e = entry(EntryState.LIVE, A, B, C);
        for (int draw : new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}) {
            assertThat(ReadResult.choose(Option.of(e), HealthSnapshot.allUp(), draw)).isInstanceOf(ReadResult.Found.class);
        }
    }

    @Test
    void the_draw_spreads_over_all_healthy_replicas_and_never_a_down_one() {
        qt().withExamples(300).forAll(Gens.replicaSets(1, 5), lists().of(booleans().all()).ofSize(5),
                        integers().between(-1_000_000, 1_000_000))
                .checkAssert((replicas, ups, offset) -> {
                    Entry e = new Entry(KEY, EntryState.LIVE, replicas, 10, Option.of(Gens.md5(3)), T0, T0);
                    Seq<Replica> sorted = e.replicas();
                    Seq<Replica> healthy = sorted.zipWith(ups, (r, up) -> up ? r : null).filter(r -> r != null);
                    HealthSnapshot health = new HealthSnapshot(HashSet.ofAll(sorted.removeAll(healthy).map(Replica::volume)));

                    // Consecutive draws (away from int overflow) visit every healthy replica.
                    HashSet<Replica> chosen = HashSet.empty();
                    for (int i = 0; i < sorted.size(); i++) {
                        ReadResult r = ReadResult.choose(Option.of(e), health, offset + i);
                        if (healthy.isEmpty()) {
                            assertThat(r).isEqualTo(new ReadResult.Unavailable(e));
                        } else {
                            assertThat(r).isInstanceOf(ReadResult.Found.class);
                            chosen = chosen.add(((ReadResult.Found) r).replica());
                        }
                    }
                    assertThat(chosen).containsExactlyInAnyOrderElementsOf(healthy);
                });
    }

    @Test
    void a_lost_key_is_gone_whatever_the_health_of_its_volumes() {
        Entry lost = entry(EntryState.LIVE, A, B).lost(T0);
        assertThat(ReadResult.choose(Option.of(lost), HealthSnapshot.allUp(), 0)).isEqualTo(new ReadResult.Lost(lost));
        assertThat(ReadResult.choose(Option.of(lost), down(A.volume(), B.volume()), 0)).isEqualTo(new ReadResult.Lost(lost));
    }
}
