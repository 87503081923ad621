package mkv.app;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import mkv.domain.port.Progress;

/**
 * The admin tools' progress: on a terminal one line redrawn in place ({@code \r}), otherwise a
 * plain line every {@code every}; findings are printed as they come, up to a limit, so a badly
 * damaged cluster does not drown the output.
 */
final class ConsoleProgress implements Progress, AutoCloseable {
    private static final int MAX_NOTES = 1000;

    private final PrintStream out;
    private final boolean terminal;
    private final Duration every;
    private final Function<ConsoleProgress, String> line;
    private final Map<Counter, LongAdder> counters = new EnumMap<>(Counter.class);
    private final AtomicLong notes = new AtomicLong();
    private final long started = System.nanoTime();
    private final Object lock = new Object();
    private volatile boolean running = true;
    private Thread ticker;

    ConsoleProgress(PrintStream out, boolean terminal, Duration every, Function<ConsoleProgress, String> line) {
        this.out = out;
        this.terminal = terminal;
        this.every = every;
        this.line = line;
        for (Counter c : Counter.values()) counters.put(c, new LongAdder());
    }

    static ConsoleProgress start(Duration every, Function<ConsoleProgress, String> line) {
        boolean terminal = System.console() != null;
        ConsoleProgress p = new ConsoleProgress(System.out, terminal, terminal ? Duration.ofMillis(250) : every, line);
        p.ticker = Thread.ofPlatform().daemon().name("mkv-progress").start(p::tick);
        return p;
    }

    @Override
    public void add(Counter counter, long n) {
        counters.get(counter).add(n);
    }

    @Override
    public void note(String text) {
        long n = notes.incrementAndGet();
        if (n > MAX_NOTES) return;
        synchronized (lock) {
            if (terminal) out.print("\r\033[K");
            out.println(n == MAX_NOTES ? text + "\n(further findings are counted, not printed)" : text);
        }
    }

    long get(Counter c) {
        return counters.get(c).sum();
    }

    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** Per second since the start. */
    long rate(Counter c) {
        double s = seconds();
        return s <= 0 ? 0 : Math.round(get(c) / s);
    }

    private void tick() {
        while (running) {
            synchronized (lock) {
                try {
                    lock.wait(every.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                if (!running) return;
                if (terminal) out.print("\r\033[K" + line.apply(this));
                else out.println(stamped(Instant.now(), line.apply(this)));
                out.flush();
            }
        }
    }

    /** Stops the ticker; the caller prints the summary next. */
    @Override
    public void close() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
            if (terminal) out.print("\r\033[K");
            out.flush();
        }
        if (ticker != null) {
            try {
                ticker.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** How far along: a bar and a percentage on a terminal, the percentage alone in a log. */
    String done(long done, long total) {
        if (total <= 0) return "";
        int pct = (int) Math.min(100, done * 100 / total);
        if (!terminal) return pct + "% ";
        int filled = pct / 5;
        return "[" + "#".repeat(filled) + ".".repeat(20 - filled) + "] " + pct + "% ";
    }

    /** A line for a log: the UTC time first, so lines from a long run can be placed and their rate read. */
    static String stamped(Instant now, String line) {
        return DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)) + " " + line;
    }

    /** A count with thousands separators (1,234,567), whatever the machine's locale. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        return String.format(Locale.ROOT, "%,.2f GiB", n / 1073741824.0);
    }
}
