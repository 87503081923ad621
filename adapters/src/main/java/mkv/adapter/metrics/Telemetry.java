package mkv.adapter.metrics;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MetricsFactory;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import mkv.domain.Volume;
import mkv.domain.port.HealthSnapshot;

/**
 * mkv's meters, named the Prometheus way. Meters with tags are made once and cached, so
 * recording on the request path is a map lookup and an atomic add.
 */
public final class Telemetry {
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofSeconds(60)};

    private final MeterRegistry registry;
    private final MetricsFactory factory;
    private final ConcurrentHashMap<List<String>, Timer> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, Timer> volumeCalls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Volume, Gauge<?>> watchedVolumes = new ConcurrentHashMap<>();
    private final Counter bytesIn;
    private final DistributionSummary batchSizes;
    private final Timer commits;
    private final Counter corruption;

    public Telemetry(MeterRegistry registry, MetricsFactory factory) {
        this.registry = registry;
        this.factory = factory;
        bytesIn = registry.getOrCreate(factory.counterBuilder("mkv.put.body").baseUnit("bytes")
                .description("Bytes of PUT bodies received"));
        batchSizes = registry.getOrCreate(factory.distributionSummaryBuilder("mkv.index.batch.size",
                        factory.distributionStatisticsConfigBuilder().buckets(1, 2, 4, 8, 16, 32, 64, 128, 256, 512))
                .description("Writes per index transaction (group commit)"));
        commits = registry.getOrCreate(factory.timerBuilder("mkv.index.commit").buckets(LATENCY_BUCKETS)
                .description("Index transaction time, begin to commit"));
        corruption = registry.getOrCreate(factory.counterBuilder("mkv.index.corruption")
                .description("Index operations that failed because the index file is damaged"));
    }

    /** One request of the data port: {@code mkv_http_requests_seconds{method,status}}. */
    public void request(String method, int status, long nanos) {
        requests.computeIfAbsent(List.of(method, Integer.toString(status)), k -> registry.getOrCreate(
                factory.timerBuilder("mkv.http.requests").buckets(LATENCY_BUCKETS)
                        .tags(List.of(Tag.create("method", k.get(0)), Tag.create("status", k.get(1))))
                        .description("Requests of the data port by method and status")))
                .record(Duration.ofNanos(nanos));
    }

    /** One volume call: {@code mkv_volume_calls_seconds{volume,operation,outcome}}. */
    public void volumeCall(Volume volume, String operation, String outcome, long nanos) {
        volumeCalls.computeIfAbsent(List.of(volume.toString(), operation, outcome), k -> registry.getOrCreate(
                factory.timerBuilder("mkv.volume.calls").buckets(LATENCY_BUCKETS)
                        .tags(List.of(Tag.create("volume", k.get(0)), Tag.create("operation", k.get(1)), Tag.create("outcome", k.get(2))))
                        .description("Calls to volumes by volume, operation and outcome")))
                .record(Duration.ofNanos(nanos));
    }

    /** Bytes of PUT bodies taken in: {@code mkv_put_body_bytes_total}. */
    public void bytesIn(long n) {
        if (n > 0) bytesIn.increment(n);
    }

    /** One group commit: {@code mkv_index_batch_size} and {@code mkv_index_commit_seconds}. */
    public void committed(int batchSize, long nanos) {
        batchSizes.record(batchSize);
        commits.record(Duration.ofNanos(nanos));
    }

    /** One index operation failed on damage: {@code mkv_index_corruption_total}. */
    public void indexCorruption() {
        corruption.increment();
    }

    /**
     * Publishes {@code mkv_volume_up{volume}} (1 up, 0 down) for each of these volumes, read from
     * the health snapshot, and drops the series of volumes no longer listed (after a reload).
     */
    public synchronized void watchHealth(Iterable<Volume> volumes, Supplier<HealthSnapshot> health) {
        java.util.Set<Volume> listed = new java.util.HashSet<>();
        volumes.forEach(listed::add);
        watchedVolumes.entrySet().removeIf(e -> {
            if (listed.contains(e.getKey())) return false;
            registry.remove(e.getValue());
            return true;
        });
        for (Volume v : listed) {
            watchedVolumes.computeIfAbsent(v, k -> registry.getOrCreate(factory.gaugeBuilder("mkv.volume.up", () -> health.get().isUp(k) ? 1 : 0)
                    .tags(List.of(Tag.create("volume", k.toString())))
                    .description("Whether the health checker sees the volume as up (1) or down (0)")));
        }
    }

    /** Publishes {@code mkv_ring_writable_ratio}: the share of keys (0 to 1) whose replicas are all up. */
    public void watchRing(DoubleSupplier writable) {
        registry.getOrCreate(factory.gaugeBuilder("mkv.ring.writable.ratio", writable::getAsDouble)
                .description("Share of the key space whose replicas are all up, so a write there can be placed"));
    }
}
