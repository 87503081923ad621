package mkv.loadgen;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A value size, fixed ({@code 1KiB}) or a uniform range ({@code 1KiB-64KiB}); each key's size
 * is drawn from the range by its index, so a rerun writes the same sizes.
 */
public record Size(long min, long max) {
    private static final Pattern ONE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?", Pattern.CASE_INSENSITIVE);

    /** The largest value bench sends: it keeps one buffer of this size in memory. */
    public static final long LIMIT = 2L << 30;

    public Size {
        if (min < 1) throw new IllegalArgumentException("a value must be at least 1 byte (mkv stores no empty values)");
        if (max < min) throw new IllegalArgumentException("the range's end " + max + " is below its start " + min);
        if (max > LIMIT) throw new IllegalArgumentException("values above 2GiB are not supported by bench");
    }

    /** Parses {@code 100}, {@code 4KiB}, {@code 1MiB-8MiB}; K/M/G are binary (1024) multiples. */
    public static Size parse(String text) {
        String t = text.trim();
        int dash = t.indexOf('-');
        try {
            if (dash < 0) {
                long n = bytes(t);
                return new Size(n, n);
            }
            return new Size(bytes(t.substring(0, dash)), bytes(t.substring(dash + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage()
                    + "; write a size like 100, 4KiB, 1MiB, or a range like 1KiB-64KiB", e);
        }
    }

    private static long bytes(String text) {
        var m = ONE.matcher(text.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a size");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long factor = switch (unit.charAt(0)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Math.multiplyExact(n, factor);
    }

    /** The size of the value for key number {@code i}. */
    public long forKey(long i) {
        if (min == max) return min;
        long span = max - min + 1;
        return min + Long.remainderUnsigned(mix(i), span);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** 1KiB, 64MiB, 1536B: the shortest exact binary form. */
    public static String format(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return (bytes >> 30) + "GiB";
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) return (bytes >> 20) + "MiB";
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) return (bytes >> 10) + "KiB";
        return bytes + "B";
    }

    @Override
    public String toString() {
        return min == max ? format(min) : format(min) + "-" + format(max);
    }
}
