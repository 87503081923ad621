package mkv.adapter.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import mkv.domain.Volume;
import mkv.domain.VolumeFailure;
import mkv.domain.HealthSnapshot;

/**
 * mkv's meters in a registry of its own, exposed in the Prometheus text format with the
 * conventional names (units in the name, {@code _total} on counters), classic histograms
 * only, and the JVM's and process's meters beside them. Labelled series are made once and
 * cached, so recording on the request path is a map lookup and an atomic add.
 */
public final class Telemetry {
    private static final double[] LATENCY_BUCKETS = {
        0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram requests;
    private final Histogram volumeCalls;
    /** By method, then by status code (100-599): a lookup on the request path that allocates nothing. */
    private final ConcurrentHashMap<String, DistributionDataPoint[]> requestSeries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<List<String>, DistributionDataPoint> volumeSeries = new ConcurrentHashMap<>();
    private final AtomicReference<List<Volume>> watchedVolumes = new AtomicReference<>(List.of());
    private final AtomicReference<Supplier<HealthSnapshot>> health = new AtomicReference<>(HealthSnapshot::allUp);
    private final AtomicReference<Supplier<java.util.Set<Volume>>> misconfigured = new AtomicReference<>(java.util.Set::of);
    private final Counter bytesIn;
    private final Histogram batchSizes;
    private final Histogram commits;
    private final Counter corruption;

    /** A registry with mkv's meters, {@code mkv_build_info{version}}, and the JVM's and process's meters. */
    public Telemetry(String version) {
        JvmMetrics.builder().register(registry);
        Info.builder().name("mkv_build_info").help("The running mkv's version").labelNames("version").register(registry)
                .setLabelValues(version);
        requests = Histogram.builder().name("mkv_http_request_duration_seconds").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .labelNames("method", "status").help("Requests of the data port by method and status, and their latency")
                .register(registry);
        volumeCalls = Histogram.builder().name("mkv_volume_request_duration_seconds").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .labelNames("volume", "operation", "outcome").help("Calls to volumes by volume, operation and outcome, and their latency")
                .register(registry);
        bytesIn = Counter.builder().name("mkv_put_body_bytes").help("Bytes of PUT bodies received").register(registry);
        batchSizes = Histogram.builder().name("mkv_index_batch_writes").classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
                .help("Writes per index transaction (group commit)").register(registry);
        commits = Histogram.builder().name("mkv_index_commit_duration_seconds").classicOnly().classicUpperBounds(LATENCY_BUCKETS)
                .help("Index transaction time, begin to commit").register(registry);
        corruption = Counter.builder().name("mkv_index_corruption")
                .help("Index operations that failed because the index file is damaged").register(registry);
        GaugeWithCallback.builder().name("mkv_volume_up").labelNames("volume")
                .help("Whether the health checker sees the volume as up (1) or down (0)")
                .callback(c -> {
                    HealthSnapshot h = health.get().get();
                    for (Volume v : watchedVolumes.get()) c.call(h.isUp(v) ? 1 : 0, v.toString());
                })
                .register(registry);
        GaugeWithCallback.builder().name("mkv_volume_misconfigured").labelNames("volume")
                .help("1 while the volume refuses mkv's signed requests (another secret, or clocks apart): it counts as down")
                .callback(c -> {
                    java.util.Set<Volume> refusing = misconfigured.get().get();
                    for (Volume v : watchedVolumes.get()) c.call(refusing.contains(v) ? 1 : 0, v.toString());
                })
                .register(registry);
    }

    /** One request of the data port: {@code mkv_http_request_duration_seconds{method,status}}. */
    public void request(String method, int status, long nanos) {
        if (status < 100 || status > 599) {
            requests.labelValues(method, Integer.toString(status)).observe(nanos / 1e9);
            return;
        }
        DistributionDataPoint[] byStatus = requestSeries.computeIfAbsent(method, m -> new DistributionDataPoint[600]);
        DistributionDataPoint series = byStatus[status];
        // Two threads may both look the series up the first time: labelValues hands both the same one.
        if (series == null) byStatus[status] = series = requests.labelValues(method, Integer.toString(status));
        series.observe(nanos / 1e9);
    }

    /** Data-port requests served so far, by (method, status): what the status page shows as rates. */
    public java.util.Map<List<String>, Long> requestCounts() {
        java.util.Map<List<String>, Long> counts = new java.util.HashMap<>();
        for (var point : requests.collect().getDataPoints()) {
            counts.put(List.of(point.getLabels().get("method"), point.getLabels().get("status")), point.getCount());
        }
        return counts;
    }

    /**
     * One volume call: {@code mkv_volume_request_duration_seconds{volume,operation,outcome}}, the
     * outcome {@code ok} or named after its failure ({@code unreachable}, {@code refused_507}, ...).
     */
    public void volumeCall(Volume volume, String operation, io.vavr.control.Option<VolumeFailure> failure, long nanos) {
        String outcome = failure.map(Telemetry::outcome).getOrElse("ok");
        volumeSeries.computeIfAbsent(List.of(volume.toString(), operation, outcome), k -> volumeCalls.labelValues(k.get(0), k.get(1), k.get(2)))
                .observe(nanos / 1e9);
    }

    private static String outcome(VolumeFailure f) {
        return switch (f) {
            case VolumeFailure.Unreachable u -> "unreachable";
            case VolumeFailure.Lost l -> "lost";
            case VolumeFailure.TimedOut t -> "timed_out";
            case VolumeFailure.Refused r -> "refused_" + r.status();
            case VolumeFailure.ShortWrite s -> "short_write";
            case VolumeFailure.Mismatch m -> "mismatch";
        };
    }

    /** Bytes of PUT bodies taken in: {@code mkv_put_body_bytes_total}. */
    public void bytesIn(long n) {
        if (n > 0) bytesIn.inc(n);
    }

    /** One group commit: {@code mkv_index_batch_writes} and {@code mkv_index_commit_duration_seconds}. */
    public void committed(int batchSize, long nanos) {
        batchSizes.observe(batchSize);
        commits.observe(nanos / 1e9);
    }

    /** One index operation failed on damage: {@code mkv_index_corruption_total}. */
    public void indexCorruption() {
        corruption.inc();
    }

    /**
     * Publishes {@code mkv_volume_up{volume}} (1 up, 0 down) for exactly these volumes, read from
     * the health snapshot: a volume a reload removed loses its series, and its call series too.
     */
    public synchronized void watchHealth(Iterable<Volume> volumes, Supplier<HealthSnapshot> snapshot) {
        List<Volume> listed = io.vavr.collection.List.ofAll(volumes).distinct().toJavaList();
        health.set(snapshot);
        watchedVolumes.set(listed);
        java.util.Set<String> names = new java.util.HashSet<>();
        listed.forEach(v -> names.add(v.toString()));
        volumeSeries.keySet().removeIf(k -> {
            if (names.contains(k.get(0))) return false;
            volumeCalls.remove(k.get(0), k.get(1), k.get(2));
            return true;
        });
    }

    /** Publishes {@code mkv_volume_misconfigured{volume}} from the volumes that refuse mkv's signature. */
    public void watchMisconfigured(Supplier<java.util.Set<Volume>> refusing) {
        misconfigured.set(refusing);
    }

    /** Publishes {@code mkv_ring_writable_ratio}: the share of keys (0 to 1) whose replicas are all up. */
    public void watchRing(DoubleSupplier writable) {
        GaugeWithCallback.builder().name("mkv_ring_writable_ratio")
                .help("Share of the key space whose replicas are all up, so a write there can be placed")
                .callback(c -> c.call(writable.getAsDouble()))
                .register(registry);
    }

    /** How many index rows are WRITING and the age of the oldest, in seconds (0 when none). */
    public record Writing(long rows, double oldestAgeSeconds) {}

    /**
     * Publishes {@code mkv_index_writing_keys} and {@code mkv_index_writing_oldest_age_seconds}, read
     * at each scrape. A read that fails (the index unavailable or damaged) leaves them out of that
     * scrape rather than failing it: the corruption counter and the logs say why.
     */
    public void watchWriting(Supplier<Writing> writing) {
        GaugeWithCallback.builder().name("mkv_index_writing_keys")
                .help("Index rows in the WRITING state: PUTs in flight, or left by a crash until recovery settles them")
                .callback(c -> {
                    Writing w = read(writing);
                    if (w != null) c.call(w.rows());
                })
                .register(registry);
        GaugeWithCallback.builder().name("mkv_index_writing_oldest_age_seconds")
                .help("Age of the oldest WRITING row's last update (0 when there is none); growing means recovery does not settle it")
                .callback(c -> {
                    Writing w = read(writing);
                    if (w != null) c.call(w.oldestAgeSeconds());
                })
                .register(registry);
    }

    /** Keys (or replicas) and their bytes under one label value: a state, or a volume. */
    public record Stored(String label, long keys, long bytes) {}

    /**
     * Publishes {@code mkv_keys{state}} and {@code mkv_stored_bytes{state}} from {@code byState}, and
     * {@code mkv_volume_replicas{volume}} and {@code mkv_volume_stored_bytes{volume}} from
     * {@code byVolume}, read at each scrape: both must be cheap (the index keeps them as counters). A
     * read that fails leaves them out of that scrape, like {@link #watchWriting}.
     */
    public void watchStored(Supplier<List<Stored>> byState, Supplier<List<Stored>> byVolume) {
        stored("mkv_keys", "state", "Index entries by state", byState, Stored::keys);
        stored("mkv_stored_bytes", "state", "Bytes of the values the index records, by state (each value once, not per replica)",
                byState, Stored::bytes);
        stored("mkv_volume_replicas", "volume", "Replicas of stored values (every state but WRITING) the index places on each volume it names",
                byVolume, Stored::keys);
        stored("mkv_volume_stored_bytes", "volume", "Bytes of the replicas the index places on each volume it names", byVolume,
                Stored::bytes);
    }

    private void stored(String name, String label, String help, Supplier<List<Stored>> read,
                        java.util.function.ToLongFunction<Stored> value) {
        GaugeWithCallback.builder().name(name).labelNames(label).help(help)
                .callback(c -> {
                    List<Stored> rows = read(read);
                    if (rows != null) rows.forEach(r -> c.call(value.applyAsLong(r), r.label()));
                })
                .register(registry);
    }

    private static <T> T read(Supplier<T> what) {
        try {
            return what.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Publishes {@code mkv_index_lost_keys}, read at each scrape: keys {@code mkv verify --repair}
     * found with no good replica left (GET 410). Left out of a scrape whose read fails, like the WRITING gauges.
     */
    public void watchLost(Supplier<Long> lost) {
        GaugeWithCallback.builder().name("mkv_index_lost_keys")
                .help("Index rows in the LOST state: values with no good replica left, answered 410 until one reappears, a DELETE or a new PUT")
                .callback(c -> {
                    Long n = read(lost);
                    if (n != null) c.call(n);
                })
                .register(registry);
    }

    /** The Prometheus text format (version 0.0.4) of every meter, as {@link #contentType()}. */
    public byte[] scrape() {
        var out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String contentType() {
        return writer.getContentType();
    }
}
