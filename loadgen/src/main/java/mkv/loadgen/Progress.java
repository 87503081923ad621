package mkv.loadgen;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The line on stderr while a run lasts: operations so far, the rate over the last second,
 * failures. Rewritten in place with {@code \r} on a terminal, a new line every 5 s otherwise.
 */
public final class Progress implements AutoCloseable {
    private final Load load;
    private final PrintStream err;
    private final boolean terminal;
    private final Thread thread;
    private volatile boolean stopped;

    public Progress(Load load, PrintStream err, boolean terminal) {
        this.load = load;
        this.err = err;
        this.terminal = terminal;
        this.thread = Thread.ofPlatform().daemon(true).name("mkv-bench-progress").unstarted(this::run);
    }

    public Progress start() {
        thread.start();
        return this;
    }

    private void run() {
        long start = System.nanoTime();
        long last = 0;
        long lastAt = start;
        long period = terminal ? 1_000 : 5_000;
        while (!stopped) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (stopped) return;
            long now = System.nanoTime();
            long done = load.done();
            String line = String.format(Locale.ROOT, "%6.1f s  %,12d done  %,10.0f/s  %,d failed",
                    (now - start) / 1e9, done, (done - last) / ((now - lastAt) / 1e9), load.errors());
            last = done;
            lastAt = now;
            if (terminal) err.print("\r" + line + "   ");
            else err.println(line);
            err.flush();
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (terminal) {
            err.print("\r" + " ".repeat(70) + "\r");
            err.flush();
        }
    }
}
