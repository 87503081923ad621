package mkv.loadgen;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a plan: {@code concurrency} platform threads, each with its own keep-alive connections
 * ({@link Http}), taking the next operation number until the keys or the time run out. Values
 * are slices of one random buffer, or that buffer repeated for values larger than it, so memory
 * does not grow with the value size.
 */
public final class Load {
    private static final int BUFFER = 1 << 20;

    private final Plan plan;
    private final java.util.Optional<String> token;
    private final byte[] random = new byte[BUFFER];
    private final AtomicLong next = new AtomicLong();
    private final LongAdder done = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile long deadline = Long.MAX_VALUE;

    public Load(Plan plan) {
        this(plan, java.util.Optional.empty());
    }

    /** With a bearer token, sent to the server under test only: never on to the volumes a redirect names. */
    public Load(Plan plan, java.util.Optional<String> token) {
        this.plan = plan;
        this.token = token;
        new Random(42).nextBytes(random);
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
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        plan.duration().ifPresent(d -> deadline = start + d.toNanos());
        for (Tally t : tallies) {
            // Platform threads: a blocking read parks in the kernel, with no poller hand-off per request.
            workers.add(Thread.ofPlatform().daemon(true).name("mkv-bench-" + workers.size()).start(() -> work(t)));
        }
        for (Thread w : workers) w.join();
        long elapsed = System.nanoTime() - start;
        Tally total = new Tally(stepNames);
        tallies.forEach(total::add);
        return new Result(plan, total, elapsed);
    }

    private void work(Tally tally) {
        URI server = plan.key(0);
        try (var connections = new Connections(plan.timeout(), server.getHost() + ":" + server.getPort(),
                token.map(t -> "Authorization: Bearer " + t + "\r\n").orElse(""))) {
            while (true) {
                long n = next.getAndIncrement();
                if (plan.exhausted(n) || System.nanoTime() >= deadline) return;
                long key = plan.keyOf(n);
                boolean ok = switch (plan.phase()) {
                    case PUT -> put(connections, tally, key);
                    case GET, GET_MISSING -> get(connections, tally, key);
                    case DELETE -> delete(connections, tally, key);
                    case CYCLE -> cycle(connections, tally, key);
                };
                if (ok) tally.ok++;
                else {
                    tally.failed++;
                    errors.increment();
                }
                done.increment();
            }
        }
    }

    private boolean cycle(Connections c, Tally tally, long key) {
        long t0 = System.nanoTime();
        boolean ok = put(c, tally, key) && get(c, tally, key) && delete(c, tally, key);
        if (ok) tally.record("cycle", System.nanoTime() - t0);
        return ok;
    }

    private boolean put(Connections c, Tally tally, long key) {
        return send(c, tally, "put", "PUT", key, body(plan.size().forKey(key)), 201);
    }

    private boolean get(Connections c, Tally tally, long key) {
        int expected = plan.phase() == Phase.GET_MISSING ? 404 : plan.follow() ? 200 : 302;
        return send(c, tally, "get", "GET", key, null, expected);
    }

    private boolean delete(Connections c, Tally tally, long key) {
        return send(c, tally, "delete", "DELETE", key, null, 204);
    }

    /** One request (and with --follow its redirect); the latency is recorded whatever the answer, a wrong one counted by status. */
    private boolean send(Connections c, Tally tally, String step, String method, long key, Http.Body body, int expected) {
        String histogram = plan.phase() == Phase.CYCLE ? step : plan.phase().flag();
        URI uri = plan.key(key);
        long t0 = System.nanoTime();
        try {
            Http.Answer a = c.exchange(uri, method, body);
            if (plan.follow() && a.status() / 100 == 3 && a.location() != null) {
                a = c.exchange(uri.resolve(a.location()), "GET", null);
            }
            tally.record(histogram, System.nanoTime() - t0);
            if (a.status() == expected) return true;
            tally.error(method + " " + a.status());
            return false;
        } catch (IOException | RuntimeException e) {
            tally.error(method + " " + e.getClass().getSimpleName());
            return false;
        }
    }

    private Http.Body body(long size) {
        return new Http.Body() {
            @Override
            public long length() {
                return size;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                for (long left = size; left > 0; ) {
                    int n = (int) Math.min(left, random.length);
                    out.write(random, 0, n);
                    left -= n;
                }
            }
        };
    }

    /** One worker's open connections, by host and port (the coordinator, and volumes with --follow). */
    private static final class Connections implements AutoCloseable {
        private final Map<String, Http> open = new HashMap<>();
        private final Duration timeout;
        private final String server;
        private final String authorization;

        /** {@code authorization} is the header line sent to {@code server} (host:port) only; empty for none. */
        Connections(Duration timeout, String server, String authorization) {
            this.timeout = timeout;
            this.server = server;
            this.authorization = authorization;
        }

        Http.Answer exchange(URI uri, String method, Http.Body body) throws IOException {
            String authority = uri.getHost() + ":" + uri.getPort();
            Http h = open.get(authority);
            if (h == null) {
                h = new Http(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort(), timeout,
                        authority.equals(server) ? authorization : "");
                open.put(authority, h);
            }
            try {
                // The query too: a redirect's signature lives there.
                Http.Answer a = h.exchange(method, uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery(), body);
                if (!h.isOpen()) open.remove(authority);
                return a;
            } catch (IOException | RuntimeException e) {
                h.close(); // a connection in an unknown state is never reused
                open.remove(authority);
                throw e;
            }
        }

        @Override
        public void close() {
            open.values().forEach(Http::close);
            open.clear();
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
