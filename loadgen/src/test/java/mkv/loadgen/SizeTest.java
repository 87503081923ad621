package mkv.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizeTest {

    @Test
    void binary_units_and_plain_bytes_parse() {
        assertThat(Size.parse("100")).isEqualTo(new Size(100, 100));
        assertThat(Size.parse("4KiB")).isEqualTo(new Size(4096, 4096));
        assertThat(Size.parse("1m")).isEqualTo(new Size(1 << 20, 1 << 20));
        assertThat(Size.parse("1GiB").min()).isEqualTo(1L << 30);
        assertThat(Size.parse("1KiB-64KiB")).isEqualTo(new Size(1024, 65536));
    }

    @Test
    void a_range_gives_each_key_a_size_inside_it_spread_over_all_of_it() {
        Size s = Size.parse("1KiB-64KiB");
        long[] quarters = new long[4];
        for (long i = 0; i < 10_000; i++) {
            long size = s.forKey(i);
            assertThat(size).isBetween(1024L, 65536L);
            quarters[(int) ((size - 1024) * 4 / (65536 - 1024 + 1))]++;
        }
        // 2,500 per quarter on average; 2,250 is over five standard deviations away.
        for (long n : quarters) assertThat(n).isBetween(2250L, 2750L);
    }

    /** Golden: a rerun of bench (any build) writes the same sizes, so its figures compare. */
    @Test
    void each_key_gets_the_same_size_on_every_run() {
        Size s = Size.parse("1KiB-64KiB");
        assertThat(new long[] {s.forKey(1), s.forKey(2), s.forKey(3), s.forKey(4)}).containsExactly(40992, 36332, 18887, 38784);
        assertThat(Size.parse("4KiB").forKey(12345)).isEqualTo(4096);
    }

    @Test
    void empty_reversed_and_garbage_sizes_are_refused_with_the_input_named() {
        assertThatThrownBy(() -> Size.parse("0")).hasMessageContaining("'0'").hasMessageContaining("at least 1 byte");
        assertThatThrownBy(() -> Size.parse("64KiB-1KiB")).hasMessageContaining("below its start");
        assertThatThrownBy(() -> Size.parse("lots")).hasMessageContaining("'lots'").hasMessageContaining("4KiB");
    }

    @Test
    void sizes_print_in_their_shortest_exact_form() {
        assertThat(Size.parse("1024").toString()).isEqualTo("1KiB");
        assertThat(Size.parse("1536").toString()).isEqualTo("1536B");
        assertThat(Size.parse("1MiB-1GiB").toString()).isEqualTo("1MiB-1GiB");
    }
}
