package mkv.bench;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mkv.adapter.nginx.NginxVolumeProcess;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Candidate volume clients against a real nginx volume (`mkv volume`'s config): each invocation
 * PUTs 1 KiB to a fresh path, GETs it and DELETEs it, on keep-alive connections, as the
 * coordinator's small writes do. Throughput is in exchanges per second; after each iteration
 * the fork prints the process CPU time per exchange (all of the client's threads, nginx not
 * included), which a loaded machine disturbs far less than the throughput.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Threads(4)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx128m", "--enable-native-access=ALL-UNNAMED"})
public class VolumeClientBenchmark {
    private static final byte[] VALUE = new byte[1024];

    @Param({"helidon", "jdk", "apache", "jetty"})
    public String client;

    private Path dir;
    private NginxVolumeProcess nginx;
    private String base;
    private Exchanges exchanges;
    private final AtomicLong paths = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private long cpuAtStart;
    private long doneAtStart;

    /** One client's PUT, GET and DELETE; each throws unless the volume answers as expected. */
    interface Exchanges extends AutoCloseable {
        void put(String url, byte[] body) throws Exception;

        byte[] get(String url) throws Exception;

        void delete(String url) throws Exception;
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("mkv-jmh-client");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        nginx = NginxVolumeProcess.start(dir.resolve("volume"), "127.0.0.1", port);
        base = "http://127.0.0.1:" + port + "/sv00/bench/";
        exchanges = switch (client) {
            case "helidon" -> new Helidon();
            case "jdk" -> new Jdk();
            case "apache" -> new Apache();
            case "jetty" -> new Jetty();
            default -> throw new IllegalArgumentException("unknown client " + client);
        };
    }

    @Setup(Level.Iteration)
    public void markCpu() {
        cpuAtStart = processCpuNanos();
        doneAtStart = done.get();
    }

    @TearDown(Level.Iteration)
    public void reportCpu() {
        long n = done.get() - doneAtStart;
        double micros = (processCpuNanos() - cpuAtStart) / 1e3 / Math.max(1, n);
        System.out.printf(Locale.ROOT, "%n[cpu] client=%s exchanges=%d cpu_us_per_exchange=%.1f%n", client, n, micros);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        exchanges.close();
        nginx.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    @OperationsPerInvocation(3)
    public byte[] putGetDelete() throws Exception {
        String url = base + paths.incrementAndGet();
        exchanges.put(url, VALUE);
        byte[] read = exchanges.get(url);
        exchanges.delete(url);
        done.addAndGet(3);
        return read;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void expect(int status, int... wanted) {
        for (int w : wanted) if (status == w) return;
        throw new IllegalStateException("volume answered " + status);
    }

    /** What mkv uses today: configured as NginxVolumes configures it. */
    static final class Helidon implements Exchanges {
        private final WebClient http = WebClient.builder().keepAlive(true).followRedirects(false).sendExpectContinue(false)
                .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(10)).connectionCacheSize(16).build();

        @Override
        public void put(String url, byte[] body) {
            try (HttpClientResponse r = http.put().uri(url).header(HeaderNames.CONTENT_TYPE, "application/octet-stream").submit(body)) {
                expect(r.status().code(), 201, 204);
            }
        }

        @Override
        public byte[] get(String url) {
            try (HttpClientResponse r = http.method(Method.GET).uri(url).request()) {
                expect(r.status().code(), 200);
                return r.entity().as(byte[].class);
            }
        }

        @Override
        public void delete(String url) {
            try (HttpClientResponse r = http.delete().uri(url).request()) {
                expect(r.status().code(), 204);
            }
        }

        @Override
        public void close() {
            http.closeResource();
        }
    }

    /** java.net.http.HttpClient, HTTP/1.1. */
    static final class Jdk implements Exchanges {
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

        @Override
        public void put(String url, byte[] body) throws Exception {
            var req = java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/octet-stream").PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
            expect(http.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode(), 201, 204);
        }

        @Override
        public byte[] get(String url) throws Exception {
            var req = java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
            var res = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            expect(res.statusCode(), 200);
            return res.body();
        }

        @Override
        public void delete(String url) throws Exception {
            var req = java.net.http.HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).DELETE().build();
            expect(http.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode(), 204);
        }

        @Override
        public void close() {
            http.close();
        }
    }

    /** Apache HttpClient 5, classic (blocking) API with a connection pool. */
    static final class Apache implements Exchanges {
        private final CloseableHttpClient http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setMaxConnPerRoute(16).setMaxConnTotal(64).build())
                .disableRedirectHandling().disableAutomaticRetries().disableContentCompression().disableCookieManagement()
                .build();

        private byte[] run(ClassicHttpRequest req, int... wanted) throws IOException {
            return http.execute(req, res -> {
                expect(res.getCode(), wanted);
                return res.getEntity() == null ? null : EntityUtils.toByteArray(res.getEntity());
            });
        }

        @Override
        public void put(String url, byte[] body) throws IOException {
            HttpPut put = new HttpPut(url);
            put.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_OCTET_STREAM));
            run(put, 201, 204);
        }

        @Override
        public byte[] get(String url) throws IOException {
            return run(new HttpGet(url), 200);
        }

        @Override
        public void delete(String url) throws IOException {
            run(new HttpDelete(url), 204);
        }

        @Override
        public void close() throws IOException {
            http.close();
        }
    }

    /** Jetty 12's client, its blocking send. */
    static final class Jetty implements Exchanges {
        private final org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();

        Jetty() throws Exception {
            http.setFollowRedirects(false);
            http.setMaxConnectionsPerDestination(16);
            http.start();
        }

        @Override
        public void put(String url, byte[] body) throws Exception {
            ContentResponse r = http.newRequest(url).method("PUT").timeout(10, TimeUnit.SECONDS)
                    .body(new BytesRequestContent("application/octet-stream", body)).send();
            expect(r.getStatus(), 201, 204);
        }

        @Override
        public byte[] get(String url) throws Exception {
            ContentResponse r = http.newRequest(url).method("GET").timeout(10, TimeUnit.SECONDS).send();
            expect(r.getStatus(), 200);
            return r.getContent();
        }

        @Override
        public void delete(String url) throws Exception {
            ContentResponse r = http.newRequest(url).method("DELETE").timeout(10, TimeUnit.SECONDS).send();
            expect(r.getStatus(), 204);
        }

        @Override
        public void close() throws Exception {
            http.stop();
        }
    }
}
