package mkv.adapter.http;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import mkv.domain.TokenBucket;

/**
 * Limits listings per client address with a token bucket each: a prefix scan is the one
 * request whose cost the client chooses. Buckets idle long enough to be full are forgotten.
 */
public final class ListRateLimit {

    /** Burst size and refill rate; a rate of zero or less turns the limit off. */
    public record Limits(double burst, double perSecond) {
        public boolean off() {
            return perSecond <= 0;
        }
    }

    private final Clock clock;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private volatile Limits limits;
    private long lastSweep;

    public ListRateLimit(Clock clock, Limits limits) {
        this.clock = clock;
        this.limits = limits;
    }

    /** Swaps the limits for new requests (a config reload). */
    public void limits(Limits next) {
        limits = next;
    }

    /** Zero when the client may list now, else how long it should wait. */
    Duration take(String client) {
        Limits l = limits;
        if (l.off()) return Duration.ZERO;
        var now = clock.instant();
        TokenBucket.Taken[] taken = new TokenBucket.Taken[1];
        buckets.compute(client, (k, bucket) -> {
            taken[0] = (bucket == null ? TokenBucket.full(l.burst(), now) : bucket).take(now, l.burst(), l.perSecond());
            return taken[0].bucket();
        });
        sweep(now, l);
        return taken[0].allowed() ? Duration.ZERO : taken[0].retryAfter();
    }

    private void sweep(java.time.Instant now, Limits l) {
        long second = now.getEpochSecond();
        if (second - lastSweep < 60) return;
        lastSweep = second;
        double refill = l.burst() / l.perSecond();
        buckets.entrySet().removeIf(e -> Duration.between(e.getValue().at(), now).toMillis() / 1000.0 > refill);
    }
}
