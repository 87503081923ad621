package mkv.domain.flow;

import io.vavr.collection.Seq;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/** Runs one volume call per replica at once, on virtual threads, and returns the answers in replica order. */
final class Parallel {
    private Parallel() {}

    /**
     * Volume calls return failures as values and never throw. The calling thread makes the first
     * call itself while one virtual thread per other item makes the rest: one thread fewer to
     * start and to wake per fan-out (a quarter of the coordinator's CPU in a small-write cycle
     * went to starting, parking and waking virtual threads). Returns only once every call has
     * ended, as a fan-out must: no call may outlive the request that made it.
     */
    static <T, R> Seq<R> each(Seq<T> items, Function<T, R> call) {
        if (items.size() <= 1) return items.map(call);
        Seq<FutureTask<R>> others = items.tail().map(i -> new FutureTask<>(() -> call.apply(i))).toList();
        others.forEach(task -> Thread.ofVirtual().name("mkv-fanout").start(task));
        R first;
        try {
            first = call.apply(items.head());
        } finally {
            awaitAll(others);
        }
        return others.map(Parallel::resultOf).prepend(first);
    }

    /** Waits for every task, even through an interrupt, which is passed on once all have ended. */
    private static <R> void awaitAll(Seq<FutureTask<R>> tasks) {
        boolean interrupted = false;
        for (FutureTask<R> task : tasks) {
            while (true) {
                try {
                    task.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    break; // rethrown by resultOf, as the executor's resultNow would
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private static <R> R resultOf(FutureTask<R> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            throw new IllegalStateException("unreachable: the task has ended", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a volume call threw", e.getCause());
        }
    }
}
