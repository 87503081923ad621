package mkv.app.bench;

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
    void a_range_gives_each_key_a_size_inside_it_and_the_same_one_every_time() {
        Size s = Size.parse("1KiB-64KiB");
        for (long i = 0; i < 10_000; i++) {
            assertThat(s.forKey(i)).isBetween(1024L, 65536L).isEqualTo(s.forKey(i));
        }
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
