package mkv.app.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a plan: {@code concurrency} virtual threads, each taking the next operation number until
 * the keys or the time run out, on one shared {@link HttpClient} (HTTP/1.1, keep-alive, no
 * redirects followed unless asked). Values are slices of one random buffer, or that buffer
 * repeated for values larger than it, so memory does not grow with the value size.
 */
public final class Load {
    private static final int BUFFER = 1 << 20;

    private final Plan plan;
    private final HttpClient client;
    private final byte[] random = new byte[BUFFER];
    private final AtomicLong next = new AtomicLong();
    private final LongAdder done = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile long deadline = Long.MAX_VALUE;

    public Load(Plan plan) {
        this.plan = plan;
        new Random(42).nextBytes(random);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(plan.follow() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Operations finished so far (cycles for cycle), and how many of them failed: for the progress line. */
    public long done() {
        return done.sum();
    }

    public long errors() {
        return errors.sum();
    }

    /** Runs the plan to its end and returns the merged tally with the elapsed time. */
    public Result run() throws InterruptedException {
        List<String> stepNames = plan.phase() == Phase.CYCLE ? List.of("cycle", "put", "get", "delete") : List.of(plan.phase().flag());
        List<Tally> tallies = new ArrayList<>();
        for (int w = 0; w < plan.concurrency(); w++) tallies.add(new Tally(stepNames));
        long start = System.nanoTime();
        plan.duration().ifPresent(d -> deadline = start + d.toNanos());
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Tally t : tallies) workers.submit(() -> work(t));
        }
        long elapsed = System.nanoTime() - start;
        Tally total = new Tally(stepNames);
        tallies.forEach(total::add);
        client.close();
        return new Result(plan, total, elapsed);
    }

    private void work(Tally tally) {
        while (true) {
            long n = next.getAndIncrement();
            if (plan.exhausted(n) || System.nanoTime() >= deadline) return;
            long key = plan.keyOf(n);
            boolean ok = switch (plan.phase()) {
                case PUT -> put(tally, key);
                case GET, GET_MISSING -> get(tally, key);
                case DELETE -> delete(tally, key);
                case CYCLE -> cycle(tally, key);
            };
            if (ok) tally.ok++;
            else {
                tally.failed++;
                errors.increment();
            }
            done.increment();
        }
    }

    private boolean cycle(Tally tally, long key) {
        long t0 = System.nanoTime();
        boolean ok = put(tally, key) && get(tally, key) && delete(tally, key);
        if (ok) tally.record("cycle", System.nanoTime() - t0);
        return ok;
    }

    private boolean put(Tally tally, long key) {
        long size = plan.size().forKey(key);
        return send(tally, "put", HttpRequest.newBuilder(plan.key(key)).PUT(body(size)), 201);
    }

    private boolean get(Tally tally, long key) {
        int expected = plan.phase() == Phase.GET_MISSING ? 404 : plan.follow() ? 200 : 302;
        return send(tally, "get", HttpRequest.newBuilder(plan.key(key)).GET(), expected);
    }

    private boolean delete(Tally tally, long key) {
        return send(tally, "delete", HttpRequest.newBuilder(plan.key(key)).DELETE(), 204);
    }

    /** One request; its latency is recorded whatever the answer, and a wrong answer counted by status. */
    private boolean send(Tally tally, String step, HttpRequest.Builder request, int expected) {
        String histogram = plan.phase() == Phase.CYCLE ? step : plan.phase().flag();
        HttpRequest r = request.timeout(plan.timeout()).build();
        long t0 = System.nanoTime();
        try {
            int status = client.send(r, BodyHandlers.discarding()).statusCode();
            tally.record(histogram, System.nanoTime() - t0);
            if (status == expected) return true;
            tally.error(r.method() + " " + status);
            return false;
        } catch (IOException e) {
            tally.error(r.method() + " " + e.getClass().getSimpleName());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.error(r.method() + " interrupted");
            return false;
        }
    }

    private BodyPublisher body(long size) {
        if (size <= random.length) return BodyPublishers.ofByteArray(random, 0, (int) size);
        return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> new Repeating(random, size)), size);
    }

    /** The random buffer over and over, {@code size} bytes in all. */
    private static final class Repeating extends InputStream {
        private final byte[] source;
        private long left;
        private int at;

        Repeating(byte[] source, long size) {
            this.source = source;
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(Math.min(len, left), source.length - at);
            System.arraycopy(source, at, b, off, n);
            at = (at + n) % source.length;
            left -= n;
            return n;
        }
    }

    /** What a run measured. */
    public record Result(Plan plan, Tally tally, long elapsedNanos) {
        /** Operations (cycles) that succeeded. */
        public long ok() {
            return tally.ok;
        }
    }
}
