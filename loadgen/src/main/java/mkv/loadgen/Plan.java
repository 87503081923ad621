package mkv.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * One run, validated: where, what, how hard, for how long. With a duration, put and cycle make
 * fresh keys until time is up and get/get-missing go round keys {@code 0..keys-1}; without
 * one, each of {@code keys} keys gets exactly one operation.
 */
public record Plan(URI base, Phase phase, int concurrency, long keys, Optional<Duration> duration, Size size,
                   boolean follow, String prefix, Duration timeout) {

    public Plan {
        if (!"http".equals(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("--url must be http://HOST:PORT, not " + base);
        }
        if (base.getPath() != null && !base.getPath().isEmpty() && !base.getPath().equals("/")) {
            throw new IllegalArgumentException("--url takes no path (" + base.getPath() + "); put the key prefix in --prefix");
        }
        if (concurrency < 1 || concurrency > 4096) throw new IllegalArgumentException("--concurrency must be 1-4096, not " + concurrency);
        if (keys < 1) throw new IllegalArgumentException("--keys must be at least 1, not " + keys);
        if (duration.isPresent() && (duration.get().isZero() || duration.get().isNegative())) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (duration.isPresent() && phase == Phase.DELETE) {
            throw new IllegalArgumentException("--duration does not apply to delete, which removes each of --keys keys once");
        }
        if (!prefix.startsWith("/") || !prefix.matches("[A-Za-z0-9._~/-]+")) {
            throw new IllegalArgumentException("--prefix must start with / and use only A-Z a-z 0-9 . _ ~ - /, not '" + prefix + "'");
        }
        if (follow && phase != Phase.GET && phase != Phase.CYCLE) {
            throw new IllegalArgumentException("--follow applies to get and cycle only");
        }
        if (timeout.isZero() || timeout.isNegative()) throw new IllegalArgumentException("--timeout must be positive");
    }

    /** The URL of key number {@code i} (get-missing reads keys nobody writes). */
    URI key(long i) {
        String root = base.getScheme() + "://" + base.getRawAuthority();
        return URI.create(root + prefix + (phase == Phase.GET_MISSING ? "missing-" : "") + i);
    }

    /** The key number the {@code n}-th operation works on. */
    long keyOf(long n) {
        return duration.isPresent() && !phase.freshKeys() ? n % keys : n;
    }

    /** Whether the {@code n}-th operation is past the plan's end (time is checked separately). */
    boolean exhausted(long n) {
        return duration.isEmpty() && n >= keys;
    }
}
