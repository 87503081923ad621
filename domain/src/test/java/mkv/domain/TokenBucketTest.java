package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The list rate limit's bucket: bursts up to capacity, then the refill rate. */
class TokenBucketTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void a_full_bucket_allows_a_burst_of_capacity_then_refuses_with_a_wait() {
        TokenBucket b = TokenBucket.full(3, T0);
        for (int i = 0; i < 3; i++) {
            var t = b.take(T0, 3, 1);
            assertThat(t.allowed()).isTrue();
            b = t.bucket();
        }
        var refused = b.take(T0, 3, 2);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void tokens_come_back_at_the_refill_rate_but_never_above_capacity() {
        TokenBucket empty = new TokenBucket(0, T0);
        assertThat(empty.take(T0.plusMillis(999), 5, 1).allowed()).isFalse();
        assertThat(empty.take(T0.plusSeconds(1), 5, 1).allowed()).isTrue();
        var afterLongIdle = empty.take(T0.plusSeconds(3600), 5, 1);
        assertThat(afterLongIdle.bucket().tokens()).isEqualTo(4.0);
    }

    @Test
    void over_any_window_no_more_than_capacity_plus_rate_times_time_is_allowed() {
        qt().forAll(integers().between(1, 20), integers().between(1, 50), integers().between(1, 400))
                .checkAssert((capacity, rate, requests) -> {
                    TokenBucket b = TokenBucket.full(capacity, T0);
                    int allowed = 0;
                    Instant now = T0;
                    for (int i = 0; i < requests; i++) {
                        now = now.plusMillis(5);
                        var t = b.take(now, capacity, rate);
                        if (t.allowed()) allowed++;
                        b = t.bucket();
                    }
                    double window = requests * 0.005;
                    assertThat((double) allowed).isLessThanOrEqualTo(capacity + rate * window + 1e-9);
                });
    }
}
