package mkv.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlanTest {
    private static final URI BASE = URI.create("http://127.0.0.1:3000");
    private static final Size KIB = new Size(1024, 1024);

    private static Plan plan(Phase phase, Optional<Duration> duration, boolean follow, String prefix) {
        return new Plan(BASE, phase, 4, 10, duration, KIB, follow, prefix, Duration.ofSeconds(5));
    }

    @Test
    void without_a_duration_each_key_gets_one_operation() {
        Plan p = plan(Phase.GET, Optional.empty(), false, "/b/");
        assertThat(p.exhausted(9)).isFalse();
        assertThat(p.exhausted(10)).isTrue();
        assertThat(p.key(3)).isEqualTo(URI.create("http://127.0.0.1:3000/b/3"));
    }

    @Test
    void with_a_duration_reads_go_round_the_keys_and_writes_make_fresh_ones() {
        Optional<Duration> d = Optional.of(Duration.ofSeconds(1));
        assertThat(plan(Phase.GET, d, false, "/b/").keyOf(23)).isEqualTo(3);
        assertThat(plan(Phase.CYCLE, d, false, "/b/").keyOf(23)).isEqualTo(23);
        assertThat(plan(Phase.GET, d, false, "/b/").exhausted(1_000_000)).isFalse();
    }

    @Test
    void missing_keys_are_never_the_keys_a_put_writes() {
        assertThat(plan(Phase.GET_MISSING, Optional.empty(), false, "/b/").key(1).getPath()).isEqualTo("/b/missing-1");
    }

    @Test
    void bad_combinations_name_the_flag() {
        assertThatThrownBy(() -> plan(Phase.DELETE, Optional.of(Duration.ofSeconds(1)), false, "/b/")).hasMessageContaining("--duration");
        assertThatThrownBy(() -> plan(Phase.PUT, Optional.empty(), true, "/b/")).hasMessageContaining("--follow");
        assertThatThrownBy(() -> plan(Phase.PUT, Optional.empty(), false, "b/")).hasMessageContaining("--prefix");
        assertThatThrownBy(() -> new Plan(URI.create("ftp://h:1"), Phase.PUT, 1, 1, Optional.empty(), KIB, false, "/", Duration.ofSeconds(1)))
                .hasMessageContaining("--url");
        assertThatThrownBy(() -> Phase.parse("read")).hasMessageContaining("get-missing");
    }
}
