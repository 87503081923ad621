package mkv.domain.flow;

import io.vavr.collection.Seq;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs one volume call per replica at once, on virtual threads, and returns the answers in replica order. */
final class Parallel {
    private Parallel() {}

    /** Volume calls return failures as values and never throw, so every future holds a result. */
    static <T, R> Seq<R> each(Seq<T> items, Function<T, R> call) {
        if (items.size() <= 1) return items.map(call);
        Seq<Future<R>> futures;
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            futures = items.map(i -> threads.submit(() -> call.apply(i))).toList();
        } // close() waits for every call
        return futures.map(Future::resultNow);
    }
}
