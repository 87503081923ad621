package mkv.adapter.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import mkv.domain.port.IndexFailure;

/**
 * The one writer thread and its group commit. Callers queue a unit of work and block; the
 * thread takes one, drains up to {@code batchSize - 1} more, and runs them all in one
 * {@code BEGIN IMMEDIATE … COMMIT}, each under its own SAVEPOINT so a failing unit is rolled
 * back and fails only its own caller. Callers are released only after the COMMIT returned, so
 * an acknowledged write is as durable as the synchronous setting makes a commit.
 */
final class Writer implements AutoCloseable {

    /** One caller's change, run inside the shared transaction; the answer goes back to the caller. */
    interface Work {
        boolean apply(WriteStatements s) throws SQLException;
    }

    private record Request(Work work, CompletableFuture<Boolean> done) {}

    private static final Request STOP = new Request(null, null);

    private final Connection connection;
    // Prepared again after a failure (see renew), so only the writer thread may touch them.
    private WriteStatements statements;
    private PreparedStatement begin;
    private PreparedStatement commit;
    private PreparedStatement rollback;
    private PreparedStatement savepoint;
    private PreparedStatement release;
    private PreparedStatement rollbackToSavepoint;
    private boolean renewNeeded;
    private final int batchSize;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock admission = new ReentrantLock();
    private boolean closed; // guarded by admission: nothing is queued after STOP
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    /** Told the size and duration (begin to commit) of every committed batch: for metrics. */
    volatile mkv.domain.port.ServedIndex.CommitListener onCommit = (size, nanos) -> { };
    private final Thread thread;
    private volatile IndexFailure closeFailure; // set by the writer thread as it stops, read after join

    /** Takes ownership of {@code connection}: the writer thread closes it when it stops. */
    Writer(Connection connection, int batchSize, String name) throws SQLException {
        this.connection = connection;
        this.batchSize = batchSize;
        prepare();
        // A platform daemon thread: it blocks in native code for the whole commit, and it must
        // not keep a JVM alive whose owner forgot to close the index.
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    private void prepare() throws SQLException {
        statements = new WriteStatements(connection);
        begin = connection.prepareStatement("BEGIN IMMEDIATE");
        commit = connection.prepareStatement("COMMIT");
        rollback = connection.prepareStatement("ROLLBACK");
        savepoint = connection.prepareStatement("SAVEPOINT request");
        release = connection.prepareStatement("RELEASE request");
        rollbackToSavepoint = connection.prepareStatement("ROLLBACK TO request");
    }

    /**
     * Prepares every statement afresh after a batch that met an SQL error. sqlite-jdbc
     * finalizes a statement whose first step fails with anything but BUSY/LOCKED/MISUSE/
     * CONSTRAINT (a full disk, an IO error, a damaged page), and every later use of it fails
     * with "statement is not executing": without this, one failed write would fail all later
     * ones until a restart. If preparing fails too, the next failure tries again.
     */
    private void renew() {
        renewNeeded = false;
        try {
            closeStatements();
        } catch (SQLException e) {
            // a finalized statement may refuse to close; it is dropped either way
        }
        try {
            prepare();
        } catch (SQLException e) {
            renewNeeded = true;
        }
    }

    private void closeStatements() throws SQLException {
        try {
            if (statements != null) statements.close();
        } finally {
            Statements.closeAll(begin, commit, rollback, savepoint, release, rollbackToSavepoint);
        }
    }

    /** Runs {@code work} in the next group commit and returns its answer once committed. */
    boolean submit(Work work) {
        return await(submitAsync(work));
    }

    CompletableFuture<Boolean> submitAsync(Work work) {
        var done = new CompletableFuture<Boolean>();
        admission.lock();
        try {
            if (closed) throw new IndexFailure("the index is closed", null);
            queue.add(new Request(work, done));
        } finally {
            admission.unlock();
        }
        return done;
    }

    static boolean await(CompletableFuture<Boolean> done) {
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IndexFailure("interrupted while waiting for the index to commit; the write may still happen", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // A fresh exception, so the trace shows this caller and not only the writer thread.
            if (cause instanceof IndexFailure f) throw new IndexFailure(f.kind(), f.getMessage(), f);
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IndexFailure("index write failed: " + cause, cause);
        }
    }

    /** Units of work taken so far, and transactions committed: commits &lt; requests means batching. */
    long requests() {
        return requests.get();
    }

    long commits() {
        return commits.get();
    }

    /** Units waiting for the writer: for tests that line up a batch. */
    int queued() {
        return queue.size();
    }

    /** Lets everything already queued commit, then stops the thread and closes the connection. */
    @Override
    public void close() {
        admission.lock();
        try {
            if (closed) return;
            closed = true;
            queue.add(STOP);
        } finally {
            admission.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (closeFailure != null) throw closeFailure;
    }

    private void run() {
        var batch = new ArrayList<Request>(batchSize);
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // nobody interrupts this thread; STOP is the only way out
            }
            queue.drainTo(batch, batchSize - 1);
            // STOP is the last thing ever queued, so it can only be the batch's last element.
            if (batch.get(batch.size() - 1) == STOP) {
                batch.remove(batch.size() - 1);
                stop = true;
            }
            if (batch.isEmpty()) continue;
            try {
                commitBatch(batch);
            } catch (Throwable t) {
                // Never die with callers waiting, nor leave a transaction open for the next
                // batch: whatever went wrong rolls back and fails this batch only.
                abort(batch, "index writer failed (" + t.getClass().getSimpleName() + ")", t);
            }
            if (renewNeeded) renew();
        }
        closeConnection();
    }

    private void commitBatch(ArrayList<Request> batch) {
        requests.addAndGet(batch.size());
        long started = System.nanoTime();
        // 1. Take the write lock (waits up to busy_timeout for another process).
        try {
            begin.execute();
        } catch (SQLException e) {
            renewNeeded = true;
            failAll(batch, Failures.of("could not begin an index transaction", e));
            return;
        }
        // 2. Apply each unit under its own savepoint: a failure undoes that unit alone.
        Object[] outcomes = new Object[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            try {
                savepoint.execute();
            } catch (SQLException e) {
                abort(batch, "could not open a savepoint", e);
                return;
            }
            try {
                outcomes[i] = batch.get(i).work().apply(statements);
                release.execute();
            } catch (SQLException | RuntimeException e) {
                if (e instanceof SQLException) renewNeeded = true;
                outcomes[i] = e instanceof SQLException s ? Failures.of("index write failed", s) : e;
                try {
                    rollbackToSavepoint.execute();
                    release.execute();
                } catch (SQLException again) {
                    // SQLite may have rolled back the whole transaction (disk full, IO error).
                    again.addSuppressed(e);
                    abort(batch, "could not roll back a failed write", again);
                    return;
                }
            }
        }
        // 3. Commit, and only then answer the callers.
        try {
            commit.execute();
        } catch (SQLException e) {
            abort(batch, "index commit failed", e);
            return;
        }
        commits.incrementAndGet();
        onCommit.committed(batch.size(), System.nanoTime() - started);
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] instanceof Boolean b) batch.get(i).done().complete(b);
            else batch.get(i).done().completeExceptionally((Throwable) outcomes[i]);
        }
    }

    /** Rolls the whole transaction back and fails every caller in it: none of it happened. */
    private void abort(ArrayList<Request> batch, String what, Throwable cause) {
        renewNeeded = true;
        IndexFailure failure = cause instanceof SQLException s ? Failures.of(what, s)
                : new IndexFailure(cause instanceof IndexFailure f ? f.kind() : IndexFailure.Kind.UNAVAILABLE, what + ": " + cause.getMessage(), cause);
        try {
            rollback.execute();
        } catch (SQLException e) {
            // After some errors (disk full, IO error) SQLite has already rolled back on its own,
            // which is the state we want; anything else is worth reporting with the failure.
            String message = String.valueOf(e.getMessage());
            if (!message.contains("no transaction is active")) failure.addSuppressed(e);
        }
        failAll(batch, failure);
    }

    private static void failAll(ArrayList<Request> batch, Throwable failure) {
        for (Request r : batch) r.done().completeExceptionally(failure);
    }

    private void closeConnection() {
        try (connection) {
            closeStatements();
        } catch (SQLException e) {
            closeFailure = new IndexFailure("closing the index write connection failed: " + e.getMessage(), e);
        }
    }
}
