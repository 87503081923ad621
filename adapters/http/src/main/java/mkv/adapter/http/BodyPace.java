package mkv.adapter.http;

import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The least pace a PUT body must keep, so that a client trickling its body cannot hold its
 * key (409 for everyone else) for as long as it likes. Time counts only while the
 * coordinator waits for the client's bytes, never while it waits on a slow volume. A body
 * that falls behind is failed as a broken body, which rolls the write back like a client
 * that disconnected; the handler then answers 408 if the connection still allows it. One
 * that sends nothing at all for a whole window is cut off by a watchdog, which closes its
 * connection: no answer can be sent then.
 */
public final class BodyPace {

    /**
     * At least {@code minBytesPerSecond} on average over each {@code window} of waiting;
     * a rate of 0 turns the limit off.
     */
    public record Limits(long minBytesPerSecond, Duration window) {
        public Limits {
            if (minBytesPerSecond < 0) throw new IllegalArgumentException("the minimum body rate must not be negative");
            if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("the body rate window must be positive");
        }

        public boolean off() {
            return minBytesPerSecond == 0;
        }

        /** The bytes each window must bring. */
        long bytesPerWindow() {
            return Math.max(1, (long) Math.ceil(minBytesPerSecond * (window.toNanos() / 1e9)));
        }
    }

    private final Limits limits;
    private final LongSupplier nanoTime;
    private final Set<PacedBody> watched = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean watching = new AtomicBoolean();

    public BodyPace(Limits limits) {
        this(limits, System::nanoTime);
    }

    BodyPace(Limits limits, LongSupplier nanoTime) {
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    /** The body, paced; {@link #release} it once the request is done with it. */
    PacedBody watch(InputStream body) {
        PacedBody paced = new PacedBody(body, limits, nanoTime);
        if (limits.off()) return paced;
        watched.add(paced);
        if (watching.compareAndSet(false, true)) Thread.ofVirtual().name("mkv-body-pace").start(this::watchdog);
        return paced;
    }

    void release(PacedBody body) {
        watched.remove(body);
    }

    /** Runs while any body is watched: cuts off each one stuck in a single read for a whole window. */
    private void watchdog() {
        long scan = Math.max(50, Math.min(1000, limits.window().toMillis() / 4));
        while (true) {
            try {
                Thread.sleep(scan);
            } catch (InterruptedException e) {
                watching.set(false);
                return;
            }
            long now = nanoTime.getAsLong();
            for (PacedBody body : watched) body.cutOffIfSilent(now);
            // Stop when nothing is watched, unless a body arrived between the check and the stop.
            if (watched.isEmpty()) {
                watching.set(false);
                if (watched.isEmpty() || !watching.compareAndSet(false, true)) return;
            }
        }
    }
}
