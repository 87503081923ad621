package mkv.app;

import java.time.Clock;
import java.time.Duration;
import mkv.domain.flow.Coordinator;

/**
 * Settles stale WRITING entries: all of them once at start-up (no request of this process
 * can own them yet), then every grace period those older than the grace period.
 */
final class Recovery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
    private static final int BATCH = 1000;

    private final Coordinator coordinator;
    private final Clock clock;
    private final Duration grace;
    private final Object wakeup = new Object();
    private volatile boolean running = true;
    private Thread thread;

    private Recovery(Coordinator coordinator, Clock clock, Duration grace) {
        this.coordinator = coordinator;
        this.clock = clock;
        this.grace = grace;
    }

    static Recovery start(Coordinator coordinator, Clock clock, Duration grace) {
        Recovery r = new Recovery(coordinator, clock, grace);
        r.settle(clock.instant().plusMillis(1), "startup");
        r.thread = Thread.ofPlatform().daemon().name("mkv-recovery").start(r::loop);
        return r;
    }

    private void loop() {
        while (running) {
            synchronized (wakeup) {
                try {
                    wakeup.wait(grace.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
            if (running) settle(clock.instant().minus(grace), "periodic");
        }
    }

    private void settle(java.time.Instant cutoff, String round) {
        try {
            int total = 0;
            int n;
            do {
                n = coordinator.recover(cutoff, BATCH, "recovery-" + round);
                total += n;
            } while (n == BATCH && running);
            if (total > 0) LOG.log(System.Logger.Level.INFO, "recovery (" + round + "): settled " + total + " stale WRITING entries");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "recovery (" + round + ") failed; will retry: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
