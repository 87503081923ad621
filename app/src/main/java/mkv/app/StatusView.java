package mkv.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import mkv.adapter.health.VolumeHealthChecker;
import mkv.adapter.http.StatusPage;
import mkv.domain.port.ServedIndex;
import mkv.domain.Volume;
import mkv.domain.flow.Policy;
import mkv.domain.port.IndexFailure;

/**
 * Gathers what the status page shows, cheaply enough for every view: health and settings as they
 * are held, request counts from the metrics registry, and the index's keys by state and replicas by
 * volume from the counters it keeps (a few rows, whatever the index holds).
 */
final class StatusView implements Supplier<StatusPage.Model> {
    static final Duration RATE_WINDOW = Duration.ofSeconds(60);
    /** A setting whose value is a secret (a file holding one); the page says only whether it is set. */
    static final String SECRET_LABEL = "SECRET_FILE";

    private record Sample(Instant at, Map<List<String>, Long> counts) {}

    private final Clock clock;
    private final Instant started;
    private final ServedIndex index;
    private final VolumeHealthChecker health;
    private final Supplier<Policy> policy;
    private final Supplier<Settings> settings;
    private final Supplier<Map<List<String>, Long>> requestCounts;
    private final Deque<Sample> samples = new ArrayDeque<>();

    StatusView(Clock clock, Instant started, ServedIndex index, VolumeHealthChecker health, Supplier<Policy> policy,
               Supplier<Settings> settings, Supplier<Map<List<String>, Long>> requestCounts) {
        this.clock = clock;
        this.started = started;
        this.index = index;
        this.health = health;
        this.policy = policy;
        this.settings = settings;
        this.requestCounts = requestCounts;
    }

    @Override
    public StatusPage.Model get() {
        Instant now = clock.instant();
        List<StatusPage.StateRow> states = List.of();
        Map<String, ServedIndex.VolumeCount> byVolume = new HashMap<>();
        Optional<String> unreadable = Optional.empty();
        try {
            states = index.countByState().map(s -> new StatusPage.StateRow(s.state().name().toLowerCase(Locale.ROOT), s.keys(), s.bytes()))
                    .toJavaList();
            index.countByVolume().forEach(c -> byVolume.put(c.volume(), c));
        } catch (IndexFailure e) {
            unreadable = Optional.of(e.getMessage());
        }
        var ix = new StatusPage.IndexPart(index.location(), index.storedBytes(), states, unreadable);
        Duration uptime = Duration.between(started, now);
        return new StatusPage.Model(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), uptime, volumes(byVolume), ix, requests(now),
                uptime.compareTo(RATE_WINDOW) < 0 ? uptime : RATE_WINDOW, settings(settings.get()));
    }

    /** The ring's volumes in its order, then any volume the index still places replicas on that the ring no longer has. */
    private List<StatusPage.VolumeRow> volumes(Map<String, ServedIndex.VolumeCount> byVolume) {
        var snapshot = health.snapshot();
        var failures = health.lastFailures();
        List<StatusPage.VolumeRow> rows = new ArrayList<>();
        Map<String, ServedIndex.VolumeCount> left = new java.util.TreeMap<>(byVolume);
        for (Volume v : policy.get().ring().volumes()) {
            String state = health.misconfigured().contains(v) ? "misconfigured" : !snapshot.isUp(v) ? "down" : snapshot.isTrusted(v) ? "up" : "suspect";
            var failure = Optional.ofNullable(failures.get(v));
            var count = Optional.ofNullable(left.remove(v.toString()));
            rows.add(new StatusPage.VolumeRow(v.toString(), state, failure.map(VolumeHealthChecker.Failure::at),
                    failure.map(VolumeHealthChecker.Failure::why), count.map(ServedIndex.VolumeCount::replicas).orElse(0L),
                    count.map(ServedIndex.VolumeCount::bytes).orElse(0L)));
        }
        left.values().forEach(c -> rows.add(new StatusPage.VolumeRow(c.volume(), "removed", Optional.empty(), Optional.empty(),
                c.replicas(), c.bytes())));
        return rows;
    }

    /**
     * Data-port requests by method and status, as the metrics count them; the rate
     * compares with the newest sample at least the rate window old (or the start, before that).
     */
    private synchronized List<StatusPage.RequestRow> requests(Instant now) {
        Map<List<String>, Long> counts = requestCounts.get();
        Sample base = new Sample(started, Map.of());
        for (Sample s : samples) {
            if (!s.at().isAfter(now.minus(RATE_WINDOW))) base = s;
        }
        samples.addLast(new Sample(now, counts));
        while (samples.size() > 1 && samples.peekFirst().at().isBefore(now.minus(RATE_WINDOW.multipliedBy(2)))) samples.removeFirst();
        double seconds = Math.max(1e-3, Duration.between(base.at(), now).toMillis() / 1000.0);
        Map<List<String>, Long> before = base.counts();
        return counts.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1))))
                .map(e -> new StatusPage.RequestRow(e.getKey().get(0), e.getKey().get(1), e.getValue(),
                        (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / seconds))
                .toList();
    }

    /** Every setting as it is in force, in the table's order; secrets show only whether they are set. */
    static List<StatusPage.SettingRow> settings(Settings s) {
        return SettingsTable.ALL.map(setting -> new StatusPage.SettingRow(setting.name(), shown(setting, s),
                setting.reload() == Setting.Reload.LIVE ? "reload" : "restart")).toJavaList();
    }

    static String shown(Setting<?> setting, Settings s) {
        Object value = setting.read().apply(s);
        if (setting.type().label().equals(SECRET_LABEL)) {
            boolean set = value instanceof io.vavr.control.Option<?> o ? o.isDefined() : value != null;
            return set ? "(set)" : "(not set)";
        }
        return text(value);
    }

    private static String text(Object value) {
        return switch (value) {
            case io.vavr.control.Option<?> o -> o.map(StatusView::text).getOrElse("—");
            case io.vavr.collection.Traversable<?> t -> t.map(StatusView::text).mkString(",");
            case Duration d -> d.toMillis() % 1000 != 0 ? d.toMillis() + "ms" : d.toSeconds() + "s";
            case null -> "—";
            default -> value.toString();
        };
    }
}
