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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import mkv.adapter.health.VolumeHealthChecker;
import mkv.adapter.http.StatusPage;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Volume;
import mkv.domain.flow.Policy;
import mkv.domain.port.IndexFailure;

/**
 * Gathers what the status page shows, cheaply enough for every view: health and settings as they
 * are held, request counts from the metrics registry, and the index's keys by state from a count
 * taken in the background at most every {@link #COUNT_MAX_AGE} (a count reads the whole index).
 */
final class StatusView implements Supplier<StatusPage.Model> {
    static final Duration COUNT_MAX_AGE = Duration.ofSeconds(30);
    static final Duration RATE_WINDOW = Duration.ofSeconds(60);
    /** A setting whose value is a secret (a file holding one); the page says only whether it is set. */
    static final String SECRET_LABEL = "SECRET_FILE";

    private record Counted(Instant at, List<StatusPage.StateRow> states) {}

    private record Sample(Instant at, Map<List<String>, Long> counts) {}

    private final Clock clock;
    private final Instant started;
    private final SqliteIndex index;
    private final VolumeHealthChecker health;
    private final Supplier<Policy> policy;
    private final Supplier<Settings> settings;
    private final Supplier<Map<List<String>, Long>> requestCounts;
    private final AtomicBoolean counting = new AtomicBoolean();
    private volatile Counted counted;
    private final Deque<Sample> samples = new ArrayDeque<>();

    StatusView(Clock clock, Instant started, SqliteIndex index, VolumeHealthChecker health, Supplier<Policy> policy,
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
        recount(now);
        Counted c = counted;
        var ix = new StatusPage.IndexPart(index.file().toString(), indexBytes(index.file()), Optional.ofNullable(c).map(Counted::at),
                c == null ? List.of() : c.states(), COUNT_MAX_AGE);
        Duration uptime = Duration.between(started, now);
        return new StatusPage.Model(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), uptime, volumes(), ix, requests(now),
                uptime.compareTo(RATE_WINDOW) < 0 ? uptime : RATE_WINDOW, settings(settings.get()));
    }

    private List<StatusPage.VolumeRow> volumes() {
        var snapshot = health.snapshot();
        var failures = health.lastFailures();
        List<StatusPage.VolumeRow> rows = new ArrayList<>();
        for (Volume v : policy.get().ring().volumes()) {
            String state = health.misconfigured().contains(v) ? "misconfigured" : !snapshot.isUp(v) ? "down" : snapshot.isTrusted(v) ? "up" : "suspect";
            var failure = Optional.ofNullable(failures.get(v));
            rows.add(new StatusPage.VolumeRow(v.toString(), state, failure.map(VolumeHealthChecker.Failure::at),
                    failure.map(VolumeHealthChecker.Failure::why)));
        }
        return rows;
    }

    /** Starts a count in the background when the last is older than the maximum age and none is running. */
    private void recount(Instant now) {
        Counted c = counted;
        if (c != null && Duration.between(c.at(), now).compareTo(COUNT_MAX_AGE) < 0) return;
        if (!counting.compareAndSet(false, true)) return;
        Thread.ofVirtual().name("mkv-status-count").start(() -> {
            try {
                List<StatusPage.StateRow> rows = index.countByState().map(s -> new StatusPage.StateRow(
                        s.state().name().toLowerCase(Locale.ROOT), s.keys(), s.bytes())).toJavaList();
                counted = new Counted(clock.instant(), rows);
            } catch (IndexFailure e) {
                System.getLogger(StatusView.class.getName()).log(System.Logger.Level.WARNING, "status page: cannot count the index: " + e.getMessage());
            } finally {
                counting.set(false);
            }
        });
    }

    private static long indexBytes(Path db) {
        long n = 0;
        for (String suffix : List.of("", "-wal")) {
            try {
                n += Files.size(db.resolveSibling(db.getFileName() + suffix));
            } catch (IOException ignored) {
                // A missing WAL (checkpointed away) adds nothing.
            }
        }
        return n;
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
