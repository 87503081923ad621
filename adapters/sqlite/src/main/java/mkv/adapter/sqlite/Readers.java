package mkv.adapter.sqlite;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import mkv.domain.port.IndexFailure;

/**
 * A fixed pool of readers handed out through a blocking queue. Callers are virtual threads,
 * so a caller waits for a free reader instead of each thread owning a connection.
 */
final class Readers implements AutoCloseable {

    /** A query run with a borrowed reader. */
    interface Query<T> {
        T run(Reader r) throws SQLException;
    }

    // Holds Optional.empty() once closed: whoever takes it puts it back for the next waiter.
    private final BlockingQueue<Optional<Reader>> idle;
    private final int size;
    private volatile boolean closed;

    Readers(List<Reader> readers) {
        size = readers.size();
        // Fair: readers go to waiters in arrival order. Unfair, a caller that had just given a
        // reader back could take one again ahead of others, who then waited far longer.
        idle = new ArrayBlockingQueue<>(size, true);
        for (Reader r : readers) idle.add(Optional.of(r));
    }

    <T> T with(String what, Query<T> query) {
        Reader r = take();
        try {
            return query.run(r);
        } catch (SQLException e) {
            IndexFailure failure = Failures.of(what + " failed", e);
            try {
                r.renew(); // the failed statement may be unusable from now on
            } catch (SQLException again) {
                failure.addSuppressed(again);
            }
            throw failure;
        } finally {
            idle.add(Optional.of(r));
        }
    }

    private Reader take() {
        if (closed) throw closedFailure();
        Optional<Reader> r;
        try {
            r = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexFailure("interrupted while waiting for an index reader", e);
        }
        if (r.isEmpty()) {
            idle.add(r); // wake the next waiter too
            throw closedFailure();
        }
        return r.get();
    }

    private static IndexFailure closedFailure() {
        return new IndexFailure("the index is closed", null);
    }

    /** Waits for every reader to come back, closes each, and refuses later callers. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        var failures = new ArrayList<SQLException>();
        boolean interrupted = false;
        for (int taken = 0; taken < size; ) {
            Optional<Reader> r;
            try {
                r = idle.take();
            } catch (InterruptedException e) {
                interrupted = true;
                continue;
            }
            taken++;
            try {
                if (r.isPresent()) r.get().close();
            } catch (SQLException e) {
                failures.add(e);
            }
        }
        idle.add(Optional.empty());
        if (interrupted) Thread.currentThread().interrupt();
        if (!failures.isEmpty()) {
            var f = new IndexFailure("closing an index reader failed: " + failures.get(0).getMessage(), failures.get(0));
            failures.stream().skip(1).forEach(f::addSuppressed);
            throw f;
        }
    }
}
