package mkv.app;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MetricsFactory;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import mkv.adapter.health.VolumeHealthChecker;
import mkv.adapter.http.AdminRoutes;
import mkv.adapter.http.BodyPace;
import mkv.adapter.http.DataRoutes;
import mkv.adapter.http.ListRateLimit;
import mkv.adapter.http.RequestIds;
import mkv.adapter.metrics.MeteredVolumes;
import mkv.adapter.metrics.Telemetry;
import mkv.adapter.nginx.NginxVolumes;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Key;
import mkv.domain.Ring;
import mkv.domain.flow.Coordinator;
import mkv.domain.flow.Policy;
import mkv.domain.port.IndexFailure;

/** Builds a running coordinator from settings, with plain constructors, and takes it down in order. */
final class Wiring {
    private static final System.Logger LOG = System.getLogger(Wiring.class.getName());
    private static final Key READINESS_PROBE = new Key("/.mkv/readiness-probe");

    private Wiring() {}

    /** A started coordinator: the parts a reload changes, and the order they stop in. */
    static final class Running implements AutoCloseable {
        private final WebServer server;
        private final VolumeHealthChecker health;
        private final Recovery recovery;
        private final SqliteIndex index;
        private final ReloadableVolumes volumes;
        private final AtomicReference<Settings> settings;
        private final AtomicReference<Policy> policy;
        private final ListRateLimit listLimit;
        private final AtomicBoolean accessLog;
        private final Telemetry telemetry;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Running(WebServer server, VolumeHealthChecker health, Recovery recovery, SqliteIndex index,
                        ReloadableVolumes volumes, AtomicReference<Settings> settings, AtomicReference<Policy> policy,
                        ListRateLimit listLimit, AtomicBoolean accessLog, Telemetry telemetry) {
            this.server = server;
            this.health = health;
            this.recovery = recovery;
            this.index = index;
            this.volumes = volumes;
            this.settings = settings;
            this.policy = policy;
            this.listLimit = listLimit;
            this.accessLog = accessLog;
            this.telemetry = telemetry;
        }

        int port() {
            return server.port();
        }

        int adminPort() {
            return server.port("admin");
        }

        /**
         * Applies new settings to new requests, all at once: the policy (volumes, replicas,
         * protect, fallback, limits), the volume timeouts, the list rate limit and the access
         * log. Settings that need a restart are named and left as they were.
         */
        synchronized void reload(Either<Seq<String>, Settings> loaded) {
            if (loaded.isLeft()) {
                LOG.log(System.Logger.Level.ERROR, "reload refused, the old settings stay: " + loaded.getLeft().mkString("; "));
                return;
            }
            Settings old = settings.get();
            Settings next = loaded.get();
            Seq<String> fixed = old.needsRestart(next);
            if (!fixed.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "reload: " + fixed.mkString(", ") + " change only on a restart; kept as they were");
            }
            Policy nextPolicy;
            try {
                nextPolicy = policy(next);
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.ERROR, "reload refused, the old settings stay: " + e.getMessage());
                return;
            }
            if (!old.connectTimeout().equals(next.connectTimeout()) || !old.readTimeout().equals(next.readTimeout())
                    || !old.healthTimeout().equals(next.healthTimeout())) {
                NginxVolumes retired = volumes.swap(nginx(next));
                // Calls in flight on the old client end within its read timeout; close it after that.
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(old.readTimeout().multipliedBy(2).plusSeconds(1));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    retired.close();
                });
            }
            policy.set(nextPolicy);
            telemetry.watchHealth(nextPolicy.ring().volumes(), health::snapshot);
            listLimit.limits(new ListRateLimit.Limits(next.listBurst(), next.listRate()));
            accessLog.set(next.accessLog());
            settings.set(next);
            LOG.log(System.Logger.Level.INFO, "reload: now " + next.volumes().size() + " volumes (" + next.volumes().mkString(",")
                    + "), " + next.replicas() + " replicas, protect " + next.protect());
        }

        /** Stops taking connections, lets in-flight requests finish, then stops the rest, index last. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) return;
            server.stop();
            recovery.close();
            health.close();
            index.close();
            volumes.close();
        }
    }

    static Policy policy(Settings s) {
        Ring ring = Ring.of(s.volumes(), s.vnodes(), s.subvolumes());
        return new Policy(ring, s.replicas(), s.protect(), s.maxKeyBytes(), s.maxListLimit(), s.fallback());
    }

    static NginxVolumes nginx(Settings s) {
        return new NginxVolumes(NginxVolumes.Options.defaults().withTimeouts(s.connectTimeout(), s.readTimeout())
                .withPingTimeout(s.healthTimeout()));
    }

    /** Starts everything; {@code reload} re-reads the settings when SIGHUP arrives. */
    static Running start(Settings s, Supplier<Either<Seq<String>, Settings>> reload) {
        AtomicReference<Settings> settings = new AtomicReference<>(s);
        AtomicReference<Policy> policy = new AtomicReference<>(policy(s));
        Telemetry telemetry = new Telemetry(Services.get(MeterRegistry.class), Services.get(MetricsFactory.class));
        SqliteIndex index = SqliteIndex.open(s.db(), SqliteIndex.Options.defaults()
                .withSynchronous(s.syncFull() ? SqliteIndex.Synchronous.FULL : SqliteIndex.Synchronous.NORMAL));
        index.onCommit(telemetry::committed);
        ReloadableVolumes nginx = new ReloadableVolumes(nginx(s));
        MeteredVolumes volumes = new MeteredVolumes(nginx, telemetry);
        VolumeHealthChecker health = new VolumeHealthChecker(volumes, () -> policy.get().ring().volumes(),
                new VolumeHealthChecker.Options(s.healthInterval(), s.healthFailures(), s.healthSuccesses())).start();
        telemetry.watchHealth(s.volumes(), health::snapshot);
        Coordinator coordinator = new Coordinator(index, volumes, health, Clock.systemUTC(), new Random(), policy::get);
        // Any WRITING row left by an earlier process is settled before traffic arrives.
        Recovery recovery = Recovery.start(coordinator, Clock.systemUTC(), s.recoveryGrace());
        ListRateLimit listLimit = new ListRateLimit(Clock.systemUTC(), new ListRateLimit.Limits(s.listBurst(), s.listRate()));
        AtomicBoolean accessLog = new AtomicBoolean(s.accessLog());

        WebServerConfig.Builder server = WebServer.builder()
                .host(s.host())
                .port(s.port())
                .shutdownHook(false)
                .shutdownGracePeriod(s.shutdownGrace())
                .featuresDiscoverServices(false)
                .routing(r -> DataRoutes.routing(r, coordinator, new RequestIds(), telemetry, listLimit, accessLog::get,
                        new BodyPace(new BodyPace.Limits(s.bodyMinRate(), s.bodyRateWindow()))));
        if (s.adminPort() > 0) {
            AdminRoutes.Readiness readiness = () -> readiness(index, health, policy.get());
            server.putSocket("admin", l -> l.host(s.host()).port(s.adminPort()))
                    .routing("admin", r -> AdminRoutes.routing(r, readiness))
                    .addFeature(ObserveFeature.builder()
                            .sockets(java.util.List.of("admin"))
                            .endpoint("/")
                            .addObserver(MetricsObserver.builder().endpoint("metrics").build())
                            .build());
        }
        Running running;
        try {
            running = new Running(server.build().start(), health, recovery, index, nginx, settings, policy, listLimit, accessLog, telemetry);
        } catch (RuntimeException e) {
            recovery.close();
            health.close();
            index.close();
            nginx.close();
            throw e;
        }
        Signals.onHangup(() -> running.reload(reload.get()));
        return running;
    }

    /** Ready when the index answers and enough volumes are up to place a write. */
    private static Seq<String> readiness(SqliteIndex index, VolumeHealthChecker health, Policy policy) {
        List<String> problems = List.empty();
        try {
            index.get(READINESS_PROBE);
        } catch (IndexFailure e) {
            problems = problems.append("index: " + e.getMessage());
        }
        var snapshot = health.snapshot();
        int up = policy.ring().volumes().count(snapshot::isUp);
        if (up < policy.replicas()) {
            problems = problems.append("volumes: " + up + " up, " + policy.replicas() + " needed to place a write");
        }
        return problems;
    }
}
