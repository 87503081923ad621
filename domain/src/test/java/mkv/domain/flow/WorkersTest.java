package mkv.domain.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vavr.collection.List;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The admin flows' bounded runner: at most the limit at once, every result folded on the feeding thread, nothing outlives it. */
class WorkersTest {

    @Test
    void exactly_the_limit_runs_at_once_and_every_result_is_folded_on_the_feeding_thread() throws Exception {
        // Each piece waits at a barrier for three: with fewer at once none would pass it, and a fourth never runs beside them.
        CyclicBarrier three = new CyclicBarrier(3);
        AtomicInteger running = new AtomicInteger(), most = new AtomicInteger();
        Function<Integer, Integer> work = i -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                three.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("three pieces did not run at once", e);
            }
            running.decrementAndGet();
            return i;
        };
        Thread feeder = Thread.currentThread();
        List<Thread> folders = List.empty();
        try (Workers<Integer, Integer, List<Object>> workers = new Workers<>("test", 3, work, List.empty(),
                (seen, r) -> seen.append(Thread.currentThread()).append(r))) {
            for (int i = 1; i <= 12; i++) workers.submit(i);
            List<Object> seen = workers.finish();
            folders = seen.filter(o -> o instanceof Thread).map(o -> (Thread) o);
            assertThat(seen.filter(o -> o instanceof Integer).map(o -> (Integer) o).sorted()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        }
        assertThat(most).hasValue(3);
        assertThat(folders).hasSize(12).containsOnly(feeder);
    }

    @Test
    void a_piece_that_throws_fails_the_run_and_close_returns_only_after_the_others_ended() {
        CountDownLatch thrown = new CountDownLatch(1);
        AtomicInteger ended = new AtomicInteger();
        assertThatThrownBy(() -> {
            try (Workers<Integer, Integer, Integer> workers = new Workers<>("test", 4, i -> {
                if (i == 0) {
                    thrown.countDown();
                    throw new IllegalArgumentException("boom");
                }
                try {
                    thrown.await(30, TimeUnit.SECONDS); // the others end only after the throw
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return ended.incrementAndGet();
            }, 0, Integer::sum)) {
                for (int i = 0; i < 4; i++) workers.submit(i);
                workers.finish();
            }
        }).hasMessage("boom");
        assertThat(ended).hasValue(3);
    }

    @Test
    void only_the_thread_that_made_the_run_may_feed_it() throws Exception {
        try (Workers<Integer, Integer, Integer> workers = new Workers<>("test", 2, i -> i, 0, Integer::sum)) {
            workers.submit(1);
            AtomicReference<Throwable> refused = new AtomicReference<>();
            Thread other = Thread.ofVirtual().start(() -> {
                try {
                    workers.submit(2);
                } catch (Throwable t) {
                    refused.set(t);
                }
            });
            other.join(Duration.ofSeconds(30));
            assertThat(refused.get()).isInstanceOf(IllegalStateException.class);
            assertThat(workers.finish()).isEqualTo(1);
        }
    }
}
