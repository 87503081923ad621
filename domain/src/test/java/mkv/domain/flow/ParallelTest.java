package mkv.domain.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vavr.collection.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fan-out helper: calls run at once, answers come back in order, and none outlives the fan-out. */
class ParallelTest {
    @Test
    void every_call_runs_at_the_same_time_and_answers_come_back_in_item_order() {
        // Each call waits at a barrier for all three: calls made one after the other would never meet there.
        CyclicBarrier all = new CyclicBarrier(3);
        var answers = Parallel.each(List.of(1, 2, 3), i -> {
            try {
                all.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the calls did not run at the same time", e);
            }
            return i * 10;
        });
        assertThat(answers).containsExactly(10, 20, 30);
    }

    @Test
    void it_returns_only_once_every_call_has_ended_even_when_the_first_ends_early() {
        AtomicInteger ended = new AtomicInteger();
        CyclicBarrier others = new CyclicBarrier(2);
        Parallel.each(List.of(0, 1, 2), i -> {
            if (i > 0) {
                try {
                    others.await(30, TimeUnit.SECONDS); // the two others end together, after the first has returned
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return ended.incrementAndGet();
        });
        assertThat(ended).hasValue(3);
    }

    @Test
    void a_call_that_throws_fails_the_fan_out_after_the_others_ended() {
        AtomicInteger ended = new AtomicInteger();
        assertThatThrownBy(() -> Parallel.each(List.of(0, 1, 2), i -> {
            if (i == 2) throw new IllegalArgumentException("boom");
            return ended.incrementAndGet();
        })).hasRootCauseMessage("boom");
        assertThat(ended).hasValue(2);
    }
}
