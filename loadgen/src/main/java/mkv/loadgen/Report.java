package mkv.loadgen;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Prints a result: a table for people, or one JSON object for scripts. */
public final class Report {
    private Report() {}

    private static final double[] PERCENTILES = {50, 90, 99, 99.9};

    /** Successful operations per second (cycles per second for cycle). */
    public static double rate(Load.Result r) {
        return r.tally().ok / (r.elapsedNanos() / 1e9);
    }

    public static void table(Load.Result r, PrintStream out) {
        Plan p = r.plan();
        Tally t = r.tally();
        double seconds = r.elapsedNanos() / 1e9;
        out.printf(Locale.ROOT, "mkv bench: %s on %s, %d concurrent, values %s, %s%s%n", p.phase().flag(), p.base(),
                p.concurrency(), p.size(), p.duration().map(d -> d.toMillis() / 1000.0 + " s").orElse(p.keys() + " keys"),
                p.follow() ? ", following redirects" : "");
        out.printf(Locale.ROOT, "%,d %s ok, %,d failed in %.2f s: %,.0f %s/s%n", t.ok, unit(p), t.failed, seconds, rate(r), unit(p));
        out.printf(Locale.ROOT, "%-8s %10s %9s %9s %9s %9s %9s %9s%n", "step", "count", "mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
        for (Map.Entry<String, Histogram> e : t.steps.entrySet()) {
            Histogram h = e.getValue();
            out.printf(Locale.ROOT, "%-8s %,10d %9.3f", e.getKey(), h.getTotalCount(), h.getMean() / 1000.0);
            for (double q : PERCENTILES) out.printf(Locale.ROOT, " %9.3f", ms(h.getValueAtPercentile(q)));
            out.printf(Locale.ROOT, " %9.3f%n", ms(h.getMaxValue()));
        }
        if (t.errors.isEmpty()) out.println("errors: none");
        else t.errors.forEach((kind, n) -> out.printf(Locale.ROOT, "errors: %s x %,d%n", kind, n));
    }

    /** HdrHistogram's full percentile distribution of the phase's main step, in milliseconds. */
    public static void percentiles(Load.Result r, PrintStream out) {
        Histogram h = r.tally().steps.values().iterator().next();
        out.println("latency distribution of " + r.tally().steps.keySet().iterator().next() + " (ms):");
        h.outputPercentileDistribution(out, 5, 1000.0);
    }

    public static void json(Load.Result r, PrintStream out) {
        Plan p = r.plan();
        Tally t = r.tally();
        var s = new StringBuilder(512);
        s.append("{\"phase\":").append(quote(p.phase().flag()))
                .append(",\"url\":").append(quote(p.base().toString()))
                .append(",\"concurrency\":").append(p.concurrency())
                .append(",\"size\":").append(quote(p.size().toString()))
                .append(",\"keys\":").append(p.keys())
                .append(",\"follow\":").append(p.follow())
                .append(",\"seconds\":").append(num(r.elapsedNanos() / 1e9))
                .append(",\"ok\":").append(t.ok)
                .append(",\"failed\":").append(t.failed)
                .append(",\"rate\":").append(num(rate(r)))
                .append(",\"steps\":{");
        boolean first = true;
        for (Map.Entry<String, Histogram> e : t.steps.entrySet()) {
            Histogram h = e.getValue();
            if (!first) s.append(',');
            first = false;
            s.append(quote(e.getKey())).append(":{\"count\":").append(h.getTotalCount())
                    .append(",\"mean_ms\":").append(num(h.getMean() / 1000.0));
            for (double q : PERCENTILES) {
                s.append(",\"p").append(q == Math.rint(q) ? Long.toString((long) q) : Double.toString(q).replace('.', '_'))
                        .append("_ms\":").append(num(ms(h.getValueAtPercentile(q))));
            }
            s.append(",\"max_ms\":").append(num(ms(h.getMaxValue()))).append('}');
        }
        s.append("},\"errors\":{");
        first = true;
        for (Map.Entry<String, Long> e : t.errors.entrySet()) {
            if (!first) s.append(',');
            first = false;
            s.append(quote(e.getKey())).append(':').append(e.getValue());
        }
        s.append("}}");
        out.println(s);
    }

    private static String unit(Plan p) {
        return p.phase() == Phase.CYCLE ? "cycles" : "ops";
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }

    // Keys and phases are plain ASCII; errors name a method and a status or an exception class.
    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
