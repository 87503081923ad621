package mkv.domain.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import mkv.domain.fake.InMemoryIndex;
import org.junit.jupiter.api.Test;

/** Generation numbers: handed out from durable blocks, never twice, a dead process's rest skipped. */
class GenerationsTest {

    @Test
    void numbers_come_from_one_reservation_per_block_and_are_never_handed_out_twice_across_restarts() {
        InMemoryIndex index = new InMemoryIndex();
        Generations first = new Generations(index, 10);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 25; i++) assertThat(seen.add(first.next())).isTrue();
        assertThat(seen).contains(1L, 25L);
        // A new process (the old one died with 5 numbers of its third block unused) skips them.
        Generations second = new Generations(index, 10);
        assertThat(second.next()).isEqualTo(31);
        // Three blocks reserved by the first, one by the second: the index moved four times.
        assertThat(index.reserveGenerations(1)).isEqualTo(41);
    }

    @Test
    void after_an_older_index_is_restored_numbers_still_come_above_every_number_handed_out_before() {
        java.time.Instant start = java.time.Instant.parse("2026-11-30T12:00:00Z");
        InMemoryIndex backup = new InMemoryIndex();
        InMemoryIndex live = new InMemoryIndex();
        Generations before = new Generations(live, 10, Generations.floorAt(start));
        long highest = 0;
        for (int i = 0; i < 35; i++) highest = Math.max(highest, before.next());
        // The live index is lost and the backup (an older high-water mark: none) restored; the
        // next process starts later than the first.
        Generations after = new Generations(backup, 10, Generations.floorAt(start.plusSeconds(5)));
        assertThat(after.next()).isGreaterThan(highest);
    }

    @Test
    void concurrent_writers_never_share_a_number() throws Exception {
        Generations generations = new Generations(new InMemoryIndex(), 7);
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) pool.submit(() -> {
                for (int i = 0; i < 1000; i++) seen.add(generations.next());
            });
        }
        assertThat(seen).hasSize(8000);
    }
}
