package mkv.app;

import java.time.Clock;
import java.time.Duration;
import mkv.adapter.health.Periodic;
import mkv.domain.flow.Coordinator;

/**
 * Settles stale WRITING entries and pending replaces: all of them once at start-up (no request
 * of this process can own them yet), then every grace period those older than the grace
 * period; and deletes the files of values replaced more than the retire grace ago.
 */
final class Recovery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Recovery.class.getName());
    private static final int BATCH = 1000;

    private final Coordinator coordinator;
    private final Clock clock;
    private final Duration grace;
    private final Duration retireGrace;
    private Periodic periodic;

    private Recovery(Coordinator coordinator, Clock clock, Duration grace, Duration retireGrace) {
        this.coordinator = coordinator;
        this.clock = clock;
        this.grace = grace;
        this.retireGrace = retireGrace;
    }

    /** Settles the WRITING rows last touched before {@code started} (an earlier process's), then keeps watch. */
    static Recovery start(Coordinator coordinator, Clock clock, Duration grace, Duration retireGrace, java.time.Instant started) {
        Recovery r = new Recovery(coordinator, clock, grace, retireGrace);
        r.settle(started, "startup");
        r.periodic = Periodic.every(grace, "mkv-recovery", () -> r.settle(clock.instant().minus(grace), "periodic"));
        return r;
    }

    private void settle(java.time.Instant cutoff, String round) {
        try {
            int total = 0;
            int n;
            do {
                n = coordinator.recover(cutoff, BATCH, "recovery-" + round);
                total += n;
            } while (n == BATCH && (periodic == null || periodic.running()));
            if (total > 0) LOG.log(System.Logger.Level.INFO, "recovery (" + round + "): settled " + total + " stale WRITING entries");
            int swept = coordinator.sweep(cutoff, clock.instant().minus(retireGrace), BATCH, "recovery-" + round);
            if (swept > 0) LOG.log(System.Logger.Level.INFO, "recovery (" + round + "): settled the pending or retired generations of " + swept + " keys");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "recovery (" + round + ") failed; will retry: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (periodic != null) periodic.close();
    }
}
