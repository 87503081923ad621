package mkv.adapter.http;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Request ids for requests that came without one: a random process prefix and a counter. */
public final class RequestIds implements Supplier<String> {
    private final String prefix = Long.toString(ThreadLocalRandom.current().nextLong() & 0xffffffffL, 36);
    private final AtomicLong counter = new AtomicLong();

    @Override
    public String get() {
        return prefix + "-" + Long.toString(counter.incrementAndGet(), 36);
    }
}
