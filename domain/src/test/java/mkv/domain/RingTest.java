package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.vavr.collection.HashMap;
import io.vavr.collection.List;
import io.vavr.collection.Map;
import io.vavr.collection.Seq;
import io.vavr.collection.Set;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Placement. The golden values pin where existing data lives; the properties pin the ring's
 * promises in PHILOSOPHY.md ("The ring and the path layout"): deterministic, order-free, and
 * minimal movement.
 */
class RingTest {

    private static final List<Volume> THREE = List.of(
            new Volume("10.0.0.1", 80), new Volume("10.0.0.2", 80), new Volume("10.0.0.3", 80));
    private static final Ring GOLDEN = Ring.of(THREE, Ring.DEFAULT_VNODES, 4);

    // Rings cost a SHA-256 per virtual node: build each volume set once per test run.
    private static final ConcurrentHashMap<List<Volume>, Ring> RINGS = new ConcurrentHashMap<>();

    private static final ConcurrentHashMap<List<Volume>, Ring> SMALL_RINGS = new ConcurrentHashMap<>();

    private static Ring ring(List<Volume> volumes) {
        return RINGS.computeIfAbsent(volumes.sorted(), vs -> Ring.of(vs, Ring.DEFAULT_VNODES, 4));
    }

    /** Few vnodes: for invariants that hold at any vnode count, where cost matters more. */
    private static Ring smallRing(List<Volume> volumes) {
        return SMALL_RINGS.computeIfAbsent(volumes.sorted(), vs -> Ring.of(vs, 16, 4));
    }

    private static List<String> placed(Ring ring, String key, int r) {
        return ring.replicasFor(new Key(key), r).map(Replica::toString).toList();
    }

    // ---- golden: changing any of these moves stored data ----

    @Test
    void golden_placement_of_hello() {
        assertThat(placed(GOLDEN, "/hello", 2)).containsExactly("10.0.0.2:80/2", "10.0.0.1:80/3");
        assertThat(placed(GOLDEN, "/hello", 3)).containsExactly("10.0.0.2:80/2", "10.0.0.1:80/3", "10.0.0.3:80/1");
    }

    @Test
    void golden_placement_of_a_nested_key() {
        assertThat(placed(GOLDEN, "/a/b/c.txt", 2)).containsExactly("10.0.0.1:80/1", "10.0.0.3:80/3");
        assertThat(placed(GOLDEN, "/a/b/c.txt", 3)).containsExactly("10.0.0.1:80/1", "10.0.0.3:80/3", "10.0.0.2:80/1");
    }

    @Test
    void golden_placement_of_a_unicode_key() {
        assertThat(placed(GOLDEN, "/ünï/cødé ☃", 2)).containsExactly("10.0.0.2:80/2", "10.0.0.3:80/1");
        assertThat(placed(GOLDEN, "/ünï/cødé ☃", 3)).containsExactly("10.0.0.2:80/2", "10.0.0.3:80/1", "10.0.0.1:80/1");
    }

    @Test
    void golden_placement_of_a_key_with_spaces() {
        assertThat(placed(GOLDEN, "/with some spaces", 2)).containsExactly("10.0.0.3:80/1", "10.0.0.2:80/1");
        assertThat(placed(GOLDEN, "/with some spaces", 3)).containsExactly("10.0.0.3:80/1", "10.0.0.2:80/1", "10.0.0.1:80/0");
    }

    @Test
    void golden_placement_of_a_numbered_key() {
        assertThat(placed(GOLDEN, "/k/42", 2)).containsExactly("10.0.0.1:80/1", "10.0.0.3:80/1");
        assertThat(placed(GOLDEN, "/k/42", 3)).containsExactly("10.0.0.1:80/1", "10.0.0.3:80/1", "10.0.0.2:80/0");
    }

    @Test
    void a_ring_refuses_no_volumes_and_settings_out_of_range() {
        assertThatThrownBy(() -> Ring.of(List.empty())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ring.of(THREE, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ring.of(THREE, 10_001, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ring.of(THREE, 8, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ring.of(THREE, 8, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_ring_lists_each_volume_once() {
        Ring ring = Ring.of(THREE.appendAll(THREE));
        assertThat(ring.volumes()).containsExactlyElementsOf(THREE);
        assertThat(ring.vnodes()).isEqualTo(Ring.DEFAULT_VNODES);
        assertThat(ring.subvolumes()).isEqualTo(1);
    }

    // ---- properties ----

    @Test
    void ring_is_deterministic_and_ignores_volume_order() {
        qt().withExamples(40).forAll(Gens.volumeSets(1, 7), longs().all(), integers().between(1, 4))
                .checkAssert((volumes, seed, r) -> {
                    java.util.List<Volume> shuffled = new java.util.ArrayList<>(volumes.asJava());
                    java.util.Collections.shuffle(shuffled, new Random(seed));
                    Ring a = Ring.of(volumes, 64, 7);
                    Ring b = Ring.of(shuffled, 64, 7);
                    for (int i = 0; i < 200; i++) {
                        Key key = new Key("/d/" + seed + "/" + i);
                        assertThat(b.replicasFor(key, r)).isEqualTo(a.replicasFor(key, r));
                    }
                });
    }

    @Test
    void replicas_are_distinct_and_number_min_of_r_and_volumes() {
        qt().withExamples(500).forAll(Gens.volumeSets(1, 6), Gens.keys(), integers().between(1, 8))
                .checkAssert((volumes, key, r) -> {
                    Seq<Replica> replicas = smallRing(volumes).replicasFor(key, r);
                    assertThat(replicas).hasSize(Math.min(r, volumes.size()));
                    assertThat(replicas.map(Replica::volume).distinct()).hasSameSizeAs(replicas);
                    assertThat(volumes).containsAll(replicas.map(Replica::volume));
                });
    }

    @Test
    void fewer_replicas_are_a_prefix_of_more() {
        qt().withExamples(300).forAll(Gens.volumeSets(1, 6), Gens.keys(), integers().between(1, 6))
                .checkAssert((volumes, key, r) -> {
                    Ring ring = smallRing(volumes);
                    assertThat(ring.replicasFor(key, r + 1).take(r)).isEqualTo(ring.replicasFor(key, r));
                });
    }

    @Test
    void subvolumes_are_in_range() {
        qt().withExamples(300).forAll(Gens.volumeSets(1, 4), integers().between(1, 100), Gens.keys())
                .checkAssert((volumes, subvolumes, key) -> {
                    Ring ring = Ring.of(volumes, 16, subvolumes);
                    for (Replica replica : ring.replicasFor(key, 3)) {
                        assertThat(replica.subvolume()).isBetween(0, subvolumes - 1);
                    }
                });
    }

    @Test
    void one_subvolume_means_sv00_everywhere() {
        Ring ring = Ring.of(THREE);
        for (int i = 0; i < 500; i++) {
            assertThat(ring.replicasFor(new Key("/s/" + i), 3).map(Replica::subvolume)).containsOnly(0);
        }
    }

    @Test
    void keys_spread_over_every_subvolume_of_a_volume() {
        Ring ring = Ring.of(THREE, 64, 8);
        Map<Integer, Integer> used = HashMap.empty();
        for (int i = 0; i < 8000; i++) {
            int sv = ring.replicasFor(new Key("/sv/" + i), 1).head().subvolume();
            used = used.put(sv, used.getOrElse(sv, 0) + 1);
        }
        // 8000 draws over 8 folders: 1000 each on average; 800 is over six standard deviations away.
        assertThat(used.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(used.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }

    /**
     * For N → N+1 volumes and r replicas, the keys whose placement changes should be about
     * r/(N+1). Tolerance: ±35% relative. Measured worst in 200 random sets of 2..8 volumes
     * (2000 keys each): 17%; sampling noise alone is a few percent, the rest is the new volume's
     * vnode share.
     */
    @Test
    void adding_a_volume_moves_replicas_only_onto_it() {
        Volume added = new Volume("added.test", 9000);
        qt().withExamples(40).forAll(Gens.volumeSets(2, 8), integers().between(1, 3), integers().all())
                .checkAssert((volumes, r0, salt) -> {
                    int r = Math.min(r0, volumes.size());
                    Ring before = ring(volumes);
                    Ring after = ring(volumes.append(added));
                    int keys = 2000, moved = 0;
                    for (int i = 0; i < keys; i++) {
                        Key key = new Key("/add/" + salt + "/" + i);
                        Set<Replica> was = before.replicasFor(key, r).toSet();
                        Set<Replica> now = after.replicasFor(key, r).toSet();
                        Set<Replica> arrived = now.removeAll(was);
                        assertThat(arrived.map(Replica::volume)).allMatch(added::equals);
                        assertThat(arrived.size()).isLessThanOrEqualTo(1);
                        assertThat(was.removeAll(now)).hasSameSizeAs(arrived);
                        if (!arrived.isEmpty()) moved++;
                    }
                    double expected = (double) r / (volumes.size() + 1);
                    assertThat((double) moved / keys).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.35 * expected));
                });
    }

    /** The figure PHILOSOPHY.md promises (N → N+1 volumes moves about R/(N+1)), on 100,000 keys: 9 → 10 moves r/10. */
    @Test
    void adding_a_tenth_volume_moves_about_r_tenths_of_100k_keys() {
        List<Volume> nine = List.range(1, 10).map(i -> new Volume("10.0.0." + i, 80));
        Ring before = Ring.of(nine);
        Ring after = Ring.of(nine.append(new Volume("10.0.0.10", 80)));
        for (int r = 1; r <= 3; r++) {
            int moved = 0;
            for (int i = 0; i < 100_000; i++) {
                Key key = new Key("/k/" + i);
                if (!before.replicasFor(key, r).toSet().equals(after.replicasFor(key, r).toSet())) moved++;
            }
            double fraction = moved / 100_000.0;
            // Measured 10.23% / 20.90% / 30.91%; ±15% relative leaves room for the vnode share.
            assertThat(fraction).as("r=%d", r).isCloseTo(r / 10.0, org.assertj.core.data.Offset.offset(0.15 * r / 10.0));
        }
    }

    @Test
    void removing_a_volume_moves_only_the_replicas_it_held() {
        qt().withExamples(40).forAll(Gens.volumeSets(3, 8), integers().between(1, 3), integers().all())
                .checkAssert((volumes, r0, salt) -> {
                    int r = Math.min(r0, volumes.size() - 1);
                    Volume removed = volumes.get(Math.floorMod(salt, volumes.size()));
                    Ring before = ring(volumes);
                    Ring after = ring(volumes.remove(removed));
                    for (int i = 0; i < 1000; i++) {
                        Key key = new Key("/rm/" + salt + "/" + i);
                        Seq<Replica> was = before.replicasFor(key, r);
                        Seq<Replica> now = after.replicasFor(key, r);
                        if (!was.map(Replica::volume).contains(removed)) {
                            assertThat(now).isEqualTo(was);
                        } else {
                            // The survivors stay where they were; exactly one newcomer replaces the lost one.
                            Seq<Replica> survivors = was.filter(x -> !x.volume().equals(removed));
                            assertThat(now).containsAll(survivors);
                            assertThat(now.removeAll(survivors)).hasSize(1);
                        }
                    }
                });
    }

    /**
     * 100,000 keys, 10 volumes, r=1: how far the busiest or idlest volume strays from the mean.
     * Target ±10%. 512 vnodes did NOT meet it reliably: over 32 sets of 10 volume names the
     * worst was 13.7% and 6 of 32 sets exceeded 10% (256 vnodes: worst 17.9%; 1024: worst
     * 10.3%). So the default is 1024. On the seven fixed sets here (placement is deterministic,
     * so these figures are exact) 1024 keeps ±10% (worst 7.1%), while 512 (worst 13.7%) and 256
     * (worst 15.0%) break it: this asserts both halves of that reason.
     */
    @Test
    void default_vnodes_spread_100k_keys_over_10_volumes_within_bound() {
        Key[] keys = new Key[100_000];
        for (int i = 0; i < keys.length; i++) keys[i] = new Key("/k/" + i);
        Random names = new Random(42);
        List<List<Volume>> sets = List.of(List.range(1, 11).map(i -> new Volume("10.0.0." + i, 80)));
        for (int s = 0; s < 5; s++) {
            sets = sets.append(List.range(0, 10).map(i -> new Volume(
                    "vol-" + Integer.toHexString(names.nextInt()) + ".example", 8000 + names.nextInt(1000))));
        }
        sets = sets.append(List.range(1, 11).map(i -> new Volume("localhost", 3000 + i)));

        assertThat(Ring.DEFAULT_VNODES).isEqualTo(1024);
        for (int vnodes : new int[] {256, 512, 1024}) {
            double worst = 0;
            for (List<Volume> volumes : sets) worst = Math.max(worst, maxDeviation(Ring.of(volumes, vnodes, 1), volumes, keys));
            if (vnodes == Ring.DEFAULT_VNODES) assertThat(worst).as("worst deviation, %d vnodes", vnodes).isLessThanOrEqualTo(0.10);
            else assertThat(worst).as("worst deviation, %d vnodes", vnodes).isGreaterThan(0.10);
        }
    }

    private static double maxDeviation(Ring ring, List<Volume> volumes, Key[] keys) {
        java.util.Map<Volume, Integer> counts = new java.util.HashMap<>();
        for (Key key : keys) counts.merge(ring.replicasFor(key, 1).head().volume(), 1, Integer::sum);
        double mean = keys.length / (double) volumes.size();
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(volumes);
        return volumes.map(v -> Math.abs(counts.get(v) - mean) / mean).max().get();
    }
    @Test
    void the_writable_share_is_the_share_of_keys_whose_replicas_are_all_up() {
        List<Volume> four = THREE.append(new Volume("10.0.0.4", 80));
        Ring ring = ring(four);
        assertThat(ring.shareWithAll(2, v -> true)).isEqualTo(1.0);
        assertThat(ring.shareWithAll(2, v -> false)).isEqualTo(0.0);
        assertThat(Ring.of(List.of(THREE.head()), 1, 1).shareWithAll(3, v -> true)).isEqualTo(1.0);
        assertThat(ring.shareWithAll(4, v -> !v.equals(THREE.head()))).isEqualTo(0.0);
        for (Set<Volume> down : List.of(io.vavr.collection.HashSet.of(four.get(0)), io.vavr.collection.HashSet.of(four.get(1), four.get(3)))) {
            for (int r = 1; r <= 3; r++) {
                int keys = 20_000;
                int allUp = 0;
                for (int i = 0; i < keys; i++) {
                    if (ring.replicasFor(new Key("/w/" + i), r).forAll(rep -> !down.contains(rep.volume()))) allUp++;
                }
                assertThat(ring.shareWithAll(r, v -> !down.contains(v)))
                        .as("down %s, r=%d", down, r)
                        .isCloseTo(allUp / (double) keys, org.assertj.core.data.Offset.offset(0.02));
            }
        }
    }
}
