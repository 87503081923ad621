package mkv.loadgen;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One worker's counts: a latency histogram per step (microseconds) and errors by kind. Never
 * shared while a run lasts; the workers' tallies are merged at the end.
 */
final class Tally {
    /** Latencies up to ten minutes at three significant digits; longer ones are clamped. */
    static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    final Map<String, Histogram> steps = new LinkedHashMap<>();
    final Map<String, Long> errors = new TreeMap<>();
    long ok;
    long failed;

    Tally(Iterable<String> stepNames) {
        for (String s : stepNames) steps.put(s, histogram());
    }

    static Histogram histogram() {
        return new Histogram(HIGHEST_MICROS, 3);
    }

    void record(String step, long nanos) {
        steps.get(step).recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
    }

    void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    void add(Tally other) {
        other.steps.forEach((name, h) -> steps.get(name).add(h));
        other.errors.forEach((kind, n) -> errors.merge(kind, n, Long::sum));
        ok += other.ok;
        failed += other.failed;
    }
}
