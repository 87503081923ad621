package mkv.adapter.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * A request body that checks its own pace (see {@link BodyPace}): after each window of time
 * spent waiting in {@code read}, the bytes that window brought must reach the minimum. Only
 * its reader and the watchdog touch it; the watchdog interrupts the reader only while it is
 * inside a read, and the reader clears that interrupt before it leaves, so nothing after the
 * body (the rollback, the index) ever sees it.
 */
final class PacedBody extends InputStream {
    private final InputStream in;
    private final BodyPace.Limits limits;
    private final LongSupplier nanoTime;
    private final long windowNanos;
    private final Object lock = new Object();

    // Guarded by lock: whether the reader is inside a read, since when, and on which thread.
    private boolean reading;
    private long readSince;
    private Thread reader;

    private long waitedNanos; // time spent in reads during the current window
    private long bytes;       // bytes the current window brought
    private volatile boolean tooSlow;

    PacedBody(InputStream in, BodyPace.Limits limits, LongSupplier nanoTime) {
        this.in = in;
        this.limits = limits;
        this.nanoTime = nanoTime;
        this.windowNanos = limits.window().toNanos();
    }

    /** Whether the body was failed for its pace (and not for breaking off). */
    boolean tooSlow() {
        return tooSlow;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (limits.off()) return in.read(b, off, len);
        if (tooSlow) throw slow();
        synchronized (lock) {
            reading = true;
            readSince = nanoTime.getAsLong();
            reader = Thread.currentThread();
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (IOException | RuntimeException e) {
            if (tooSlow) throw slow();
            throw e;
        } finally {
            synchronized (lock) {
                reading = false;
                waitedNanos += nanoTime.getAsLong() - readSince;
                if (tooSlow) Thread.interrupted(); // the watchdog's interrupt ends here
            }
        }
        if (tooSlow) throw slow();
        if (n > 0) bytes += n;
        if (n >= 0 && waitedNanos >= windowNanos) {
            if (bytes < limits.bytesPerWindow()) {
                tooSlow = true;
                throw slow();
            }
            waitedNanos = 0;
            bytes = 0;
        }
        return n;
    }

    /** Called by the watchdog: a reader stuck in one read for a whole window brought nothing in it. */
    void cutOffIfSilent(long now) {
        synchronized (lock) {
            if (reading && now - readSince >= windowNanos) {
                tooSlow = true;
                reader.interrupt(); // a virtual thread blocked on a socket: the socket closes, the read fails
            }
        }
    }

    private IOException slow() {
        return new IOException("the body came slower than " + limits.minBytesPerSecond() + " bytes/s over " + limits.window().toMillis() + " ms of waiting for it");
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
