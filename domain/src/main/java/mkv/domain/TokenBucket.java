package mkv.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket: {@code capacity} requests at once, refilled at {@code perSecond}. Pure: the
 * caller passes the time and keeps the bucket that {@link #take} returns.
 */
public record TokenBucket(double tokens, Instant at) {

    /** What taking one token gave: the bucket to keep, and how long to wait when refused. */
    public record Taken(boolean allowed, TokenBucket bucket, Duration retryAfter) {}

    public static TokenBucket full(double capacity, Instant now) {
        return new TokenBucket(capacity, now);
    }

    /** Pure. Refills for the time passed (never above capacity), then takes one token if there is one. */
    public Taken take(Instant now, double capacity, double perSecond) {
        double elapsed = Math.max(0, Duration.between(at, now).toNanos() / 1e9);
        double available = Math.min(capacity, tokens + elapsed * perSecond);
        Instant later = now.isAfter(at) ? now : at;
        if (available >= 1) return new Taken(true, new TokenBucket(available - 1, later), Duration.ZERO);
        long waitNanos = (long) Math.ceil((1 - available) / perSecond * 1e9);
        return new Taken(false, new TokenBucket(available, later), Duration.ofNanos(waitNanos));
    }
}
