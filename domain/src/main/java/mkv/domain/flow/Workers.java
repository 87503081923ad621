package mkv.domain.flow;

import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Runs one piece of work per item on virtual threads, at most {@code limit} at once, and folds
 * each piece's result (an immutable value) into a summary on the thread that submits the items.
 * The workers share nothing: only that one thread ever sees the summary, so the admin flows keep
 * no tallies behind locks. ({@link Parallel#each} is the other shape: one request's fan-out,
 * every call at once, answers in order.)
 *
 * <p>Used from one thread, in a try-with-resources block: {@link #submit} waits while
 * {@code limit} pieces run, folding those that end; {@link #finish} folds the rest and returns
 * the summary; {@link #close} returns only once every piece has ended, also when the feeding
 * loop failed. A piece that throws fails the run: the throw comes out of the next submit or
 * finish. The fold runs on the submitting thread, so it may also act on what it sums (write a
 * full batch, say) without a lock.
 */
final class Workers<T, R, S> implements AutoCloseable {
    private final int limit;
    private final Function<T, R> work;
    private final BiFunction<S, R, S> fold;
    private final ExecutorService pool;
    private final CompletionService<R> ended;
    private final Thread owner = Thread.currentThread();
    private int running;
    private S summary;

    /** {@code name}: the virtual threads' name, for thread dumps. */
    Workers(String name, int limit, Function<T, R> work, S zero, BiFunction<S, R, S> fold) {
        if (limit < 1) throw new IllegalArgumentException("limit must be at least 1");
        this.limit = limit;
        this.work = work;
        this.fold = fold;
        this.summary = zero;
        this.pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
        this.ended = new ExecutorCompletionService<>(pool);
    }

    /** Starts {@code item}'s work, first waiting (and folding) while {@code limit} pieces run. */
    void submit(T item) {
        ownerOnly();
        while (running >= limit) foldNext();
        ended.submit(() -> work.apply(item));
        running++;
    }

    /** Waits for every piece still running, folds it, and returns the summary of all. */
    S finish() {
        ownerOnly();
        while (running > 0) foldNext();
        return summary;
    }

    /** Returns once every piece has ended. */
    @Override
    public void close() {
        pool.close();
    }

    private void foldNext() {
        Future<R> next = takeUninterruptibly();
        running--;
        summary = fold.apply(summary, resultOf(next));
    }

    // As the semaphores this replaces: an interrupt does not abandon running work, it is passed on.
    private Future<R> takeUninterruptibly() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return ended.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private static <R> R resultOf(Future<R> done) {
        try {
            return done.get();
        } catch (InterruptedException e) {
            throw new IllegalStateException("unreachable: the piece has ended", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private void ownerOnly() {
        if (Thread.currentThread() != owner) throw new IllegalStateException("a run is fed and finished from the thread that made it");
    }
}
