package mkv.app;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import mkv.adapter.http.HttpMetrics;
import mkv.domain.Readiness;
import mkv.domain.flow.RingHealth;
import mkv.adapter.health.VolumeHealthChecker;
import mkv.adapter.http.AdminRoutes;
import mkv.adapter.http.BearerAuth;
import mkv.adapter.http.BodyPace;
import mkv.adapter.http.DataRoutes;
import mkv.adapter.http.RequestIds;
import mkv.adapter.metrics.Telemetry;
import mkv.adapter.nginx.NginxVolumes;
import mkv.adapter.nginx.SigningKeys;
import mkv.adapter.nginx.UrlSigner;
import mkv.adapter.nginx.VolumeMetrics;
import mkv.adapter.tls.TlsFiles;
import io.vavr.control.Option;
import java.util.UUID;
import mkv.domain.ClusterId;
import mkv.domain.Identity;
import mkv.domain.Key;
import mkv.domain.access.Tokens;
import mkv.domain.flow.Clusters;
import mkv.domain.Ring;
import mkv.domain.flow.Coordinator;
import mkv.domain.flow.CoordinatorApi;
import mkv.domain.flow.ListRateLimit;
import mkv.domain.flow.Policy;
import mkv.domain.port.IndexFailure;
import mkv.domain.port.ServedIndex;

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
        private final ServedIndex index;
        private final NginxVolumes volumes;
        private final AtomicReference<Settings> settings;
        private final AtomicReference<Policy> policy;
        private final ListRateLimit listLimit;
        private final AtomicBoolean accessLog;
        private final Telemetry telemetry;
        private final AtomicReference<Option<Tokens>> tokens;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile UrlSigner signer;

        private Running(WebServer server, VolumeHealthChecker health, Recovery recovery, ServedIndex index,
                        NginxVolumes volumes, AtomicReference<Settings> settings, AtomicReference<Policy> policy,
                        ListRateLimit listLimit, AtomicBoolean accessLog, Telemetry telemetry, AtomicReference<Option<Tokens>> tokens,
                        UrlSigner signer) {
            this.signer = signer;
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
            this.tokens = tokens;
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
            // The tokens file's path needs a restart, its content does not: re-read it whatever the settings say.
            reloadTokens(settings.get());
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
            // The secret file is read again even when its name is the same: a rotation changes what it holds.
            if (next.secretFile().isEmpty() && !old.insecure()) {
                LOG.log(System.Logger.Level.ERROR, "reload refused, the old settings stay: secret-file: removed, but this "
                        + "coordinator was not started --insecure; its volumes would refuse every unsigned request");
                return;
            }
            Either<String, UrlSigner> nextSigner = signer(next);
            if (nextSigner.isLeft()) {
                LOG.log(System.Logger.Level.ERROR, "reload refused, the old settings stay: " + nextSigner.getLeft());
                return;
            }
            boolean rekeyed = !nextSigner.get().keys().equals(signer.keys());
            if (rekeyed) {
                LOG.log(System.Logger.Level.INFO, "reload: signing with key " + nextSigner.get().keys().map(k -> k.signing().id()).getOrElse("(none)")
                        + " from now on");
            }
            // A CA is re-read at every reload, so a renewed CA file is trusted from then on.
            if (rekeyed || !old.urlTtl().equals(next.urlTtl()) || !old.connectTimeout().equals(next.connectTimeout())
                    || !old.readTimeout().equals(next.readTimeout()) || !old.healthTimeout().equals(next.healthTimeout())
                    || !old.volumes().equals(next.volumes()) || old.tlsCa().isDefined() || next.tlsCa().isDefined()) {
                try {
                    // Calls in flight finish on the old clients, which close once none can still be using them.
                    volumes.reload(nginxOptions(next), next.volumes(), trust(next), signing(next, nextSigner.get()));
                } catch (Refused | IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.ERROR, "reload refused, the old settings stay: " + e.getMessage());
                    return;
                }
                signer = nextSigner.get();
            }
            reloadCertificate(old);
            policy.set(nextPolicy);
            telemetry.watchHealth(nextPolicy.ring().volumes(), health::snapshot);
            listLimit.limits(new ListRateLimit.Limits(next.listBurst(), next.listRate()));
            accessLog.set(next.accessLog());
            settings.set(next);
            LOG.log(System.Logger.Level.INFO, "reload: now " + next.volumes().volumes().size() + " volumes (" + next.volumes()
                    + "), " + next.replicas() + " replicas, protect " + next.protect());
        }

        /** Re-reads the tokens file; a file that cannot be used is refused and the tokens in force stay. */
        private void reloadTokens(Settings s) {
            if (s.tokensFile().isEmpty()) return;
            Either<Seq<String>, Tokens> next = TokensLoader.load(s.tokensFile().get());
            if (next.isLeft()) {
                LOG.log(System.Logger.Level.ERROR, "reload: tokens refused, the " + tokens.get().map(Tokens::size).getOrElse(0)
                        + " tokens in force stay: " + next.getLeft().mkString("; "));
                return;
            }
            tokens.set(Option.some(next.get()));
            LOG.log(System.Logger.Level.INFO, "reload: " + next.get().size() + " tokens from " + s.tokensFile().get());
        }

        /**
         * Re-reads the certificate and key the ports were started with (their paths need a restart
         * to change) and hands them to both ports: new connections get the new certificate,
         * connections already open keep the old one. Files that do not serve keep the old one too.
         */
        private void reloadCertificate(Settings started) {
            if (started.tlsCert().isEmpty()) return;
            var tls = TlsFiles.server(started.tlsCert().get(), started.tlsKey().get());
            if (tls.isLeft()) {
                LOG.log(System.Logger.Level.ERROR, "reload: the certificate stays as it was: " + tls.getLeft().mkString("; "));
                return;
            }
            try {
                server.reloadTls(tls.get());
                if (server.hasTls("admin")) server.reloadTls("admin", TlsFiles.server(started.tlsCert().get(), started.tlsKey().get()).get());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "reload: the certificate could not be replaced, the old one may still serve: " + e);
                return;
            }
            LOG.log(System.Logger.Level.INFO, "reload: certificate re-read from " + started.tlsCert().get() + " ("
                    + TlsFiles.describe(started.tlsCert().get()) + ")");
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
            Logs.closeAccessFile();
        }
    }

    static Policy policy(Settings s) {
        Ring ring = Ring.of(s.volumes().volumes(), s.vnodes(), s.subvolumes());
        return new Policy(ring, s.replicas(), s.protect(), s.maxKeyBytes(), s.maxListLimit(), s.fallback());
    }

    static NginxVolumes nginx(Settings s, UrlSigner signer) {
        return new NginxVolumes(nginxOptions(s), s.volumes(), trust(s), signing(s, signer));
    }

    private static NginxVolumes.Options nginxOptions(Settings s) {
        return NginxVolumes.Options.defaults().withTimeouts(s.connectTimeout(), s.readTimeout()).withPingTimeout(s.healthTimeout());
    }

    /** The CA that verifies https volumes, read now; a file that cannot be used is refused. */
    private static Option<io.helidon.common.tls.Tls> trust(Settings s) {
        return s.tlsCa().map(ca -> TlsFiles.client(ca).getOrElseThrow(why -> new Refused(List.of("tls-ca: " + why))));
    }

    private static NginxVolumes.Signing signing(Settings s, UrlSigner signer) {
        return new NginxVolumes.Signing(signer, Clock.systemUTC(), s.urlTtl());
    }

    /** What signs volume requests: the secret file's keys, read now; unsigned only without one (insecure). */
    static Either<String, UrlSigner> signer(Settings s) {
        if (s.secretFile().isEmpty()) return Either.right(UrlSigner.UNSIGNED);
        return SigningKeys.read(s.secretFile().get()).map(UrlSigner::new).mapLeft(why -> "secret-file: " + why);
    }

    /** What an operator must know about how this coordinator was started: logged at the start and shown by /readyz. */
    static Seq<String> warnings(Settings s) {
        return exposure(s).prependAll(!s.insecure() ? List.<String>empty() : List.of(s.secretFile().isEmpty()
                ? "insecure: no secret file, so requests to volumes and redirects are unsigned; anyone who can reach a volume "
                        + "can read, overwrite and delete its files"
                : "insecure: started with --insecure"));
    }

    /** The TLS of the ports, when a certificate is set: one instance per port, so each reloads on its own. */
    private static Option<io.helidon.common.tls.Tls> serverTls(Settings s) {
        return s.tlsCert().map(cert -> TlsFiles.server(cert, s.tlsKey().get())
                .getOrElseThrow(problems -> new Refused(problems.map(p -> "tls: " + p))));
    }

    /** The coordinator must not start: each reason, and the advice that fits them. */
    static final class Refused extends RuntimeException {
        final Seq<String> reasons;

        Refused(Seq<String> reasons) {
            super(reasons.mkString("; "));
            this.reasons = reasons;
        }
    }

    /**
     * Starts everything, in the order that changes nothing until it is sure it may run:
     * 1. the index, as its one writer (a second coordinator is refused here); 2. the cluster
     * identity of index and volumes, decided from what they hold; 3. the ports, bound;
     * 4. only then the changes: the id recorded, volumes stamped, and the WRITING rows of
     * earlier processes settled. {@code reload} re-reads the settings when SIGHUP arrives.
     */
    static Running start(Settings s, boolean allowFreshIndex, Supplier<Either<Seq<String>, Settings>> reload) {
        // Read before anything is opened: a tokens file that cannot be used refuses the start and changes nothing.
        AtomicReference<Option<Tokens>> tokens = new AtomicReference<>(tokens(s));
        try {
            Logs.apply(s.logFormat(), s.accessLogFile());
        } catch (java.io.IOException e) {
            throw new Refused(List.of("access-log-file: cannot open " + s.accessLogFile().get() + " to append to it: " + e));
        }
        Runnable undo = Indexes.undoCreation(s.db());
        // Safe by default: checked before anything is opened, so a refused start leaves no file behind.
        if (s.secretFile().isEmpty() && !s.insecure()) {
            throw new Refused(List.of("secret-file: volumes trust only signed requests, so the coordinator needs the secret they "
                    + "share (--secret-file FILE; 'mkv dev' makes one), or --insecure to run without"));
        }
        Either<String, UrlSigner> signer = signer(s);
        if (signer.isLeft()) throw new Refused(List.of(signer.getLeft()));
        NginxVolumes nginx = nginx(s, signer.get()); // first: a CA that cannot be read refuses before the index opens
        ServedIndex index;
        try {
            index = Indexes.openAsSoleWriter(s.db(), new Indexes.Serving(s.syncFull(), s.indexCheck()));
        } catch (RuntimeException e) {
            nginx.close();
            Logs.closeAccessFile();
            throw e;
        }
        try {
            Identity.Verdict.Proceed identity = identity(s, allowFreshIndex, index, nginx);
            return start(s, index, nginx, identity, reload, tokens, signer.get());
        } catch (RuntimeException e) {
            index.close();
            nginx.close();
            undo.run();
            Logs.closeAccessFile();
            throw e;
        }
    }

    private static Identity.Verdict.Proceed identity(Settings s, boolean allowFreshIndex, ServedIndex index, NginxVolumes volumes) {
        Option<ClusterId> cluster = index.cluster();
        // Only an index without an id needs its size (a full count) and the volumes walked for data.
        long entries = cluster.isEmpty() ? index.count() : -1;
        boolean fresh = cluster.isEmpty() && entries == 0;
        var seen = Clusters.look(volumes, s.volumes().volumes(), fresh);
        return switch (Identity.atStart(cluster, entries, seen, allowFreshIndex, new ClusterId(UUID.randomUUID().toString()))) {
            case Identity.Verdict.Proceed go -> go;
            case Identity.Verdict.Refuse no -> throw new Refused(no.freshIndex()
                    ? no.reasons().prepend("the index " + s.db() + " is new or empty, and starting it over these volumes could hide their data"
                                    + " (and a later 'mkv verify --repair' would take it for orphans):")
                            .append("if the index was lost or replaced, rebuild it from the volumes: mkv rebuild --volumes "
                                    + s.volumes() + " --db " + s.db() + ", then start the server on it")
                            .append("to start this empty index anyway, pass --allow-fresh-index: the volumes' data stays, unseen by it")
                    : no.reasons());
        };
    }

    private static Running start(Settings s, ServedIndex index, NginxVolumes nginx, Identity.Verdict.Proceed identity,
                                 Supplier<Either<Seq<String>, Settings>> reload, AtomicReference<Option<Tokens>> tokens, UrlSigner signer) {
        Option<io.helidon.common.tls.Tls> dataTls = serverTls(s);
        Option<io.helidon.common.tls.Tls> adminTls = serverTls(s);
        Seq<String> warnings = warnings(s);
        warnings.forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
        AtomicReference<Settings> settings = new AtomicReference<>(s);
        AtomicReference<Policy> policy = new AtomicReference<>(policy(s));
        String version = Wiring.class.getPackage().getImplementationVersion(); // the manifest's, as in mkv --version
        Telemetry telemetry = new Telemetry(version == null ? "dev" : version);
        index.onCommit(telemetry::committed);
        index.onCorruption(f -> telemetry.indexCorruption());
        nginx.observe(volumeMetrics(telemetry));
        VolumeHealthChecker health = new VolumeHealthChecker(nginx, () -> policy.get().ring().volumes(),
                new VolumeHealthChecker.Options(s.healthInterval(), s.healthFailures(), s.healthSuccesses())).start();
        RingHealth ringHealth = new RingHealth(policy::get, health::snapshot);
        telemetry.watchHealth(s.volumes().volumes(), health::snapshot);
        telemetry.watchMisconfigured(health::misconfigured);
        telemetry.watchRing(() -> ringHealth.read().writable());
        Clock clock = Clock.systemUTC();
        telemetry.watchWriting(() -> {
            ServedIndex.Writing w = index.writing();
            return new Telemetry.Writing(w.rows(), w.oldest()
                    .map(t -> Math.max(0, java.time.Duration.between(t, clock.instant()).toMillis() / 1000.0)).getOrElse(0.0));
        });
        telemetry.watchLost(index::lost);
        telemetry.watchStored(
                () -> index.countByState().map(c -> new Telemetry.Stored(c.state().name().toLowerCase(java.util.Locale.ROOT), c.keys(), c.bytes()))
                        .toJavaList(),
                () -> index.countByVolume().map(c -> new Telemetry.Stored(c.volume(), c.replicas(), c.bytes())).toJavaList());
        // Every WRITING row older than this instant is an earlier process's: this one's writes
        // come later, and their keys are locked while they run (see Coordinator.recover).
        java.time.Instant started = clock.instant();
        // A DELETE's sidecar removals run after its answer, off the request path (PHILOSOPHY.md, "Deletes").
        Coordinator coordinator = new Coordinator(index, nginx, health, clock, new Random(), policy::get, started,
                task -> Thread.ofVirtual().name("mkv-delete-sidecars").start(task));
        ListRateLimit listLimit = new ListRateLimit(Clock.systemUTC(), new ListRateLimit.Limits(s.listBurst(), s.listRate()));
        AtomicBoolean accessLog = new AtomicBoolean(s.accessLog());

        WebServerConfig.Builder server = WebServer.builder()
                .host(s.host())
                .port(s.port())
                .shutdownHook(false)
                .shutdownGracePeriod(s.shutdownGrace())
                .featuresDiscoverServices(false)
                .routing(r -> DataRoutes.routing(r, new CoordinatorApi(coordinator, listLimit), new RequestIds(), observed(telemetry), accessLog::get,
                        new BodyPace(new BodyPace.Limits(s.bodyMinRate(), s.bodyRateWindow())), tokens::get));
        dataTls.forEach(server::tls);
        if (s.adminPort() > 0) {
            AdminRoutes.Readiness readiness = () -> readiness(index);
            server.putSocket("admin", l -> {
                        l.host(s.adminHost()).port(s.adminPort());
                        adminTls.forEach(l::tls);
                    })
                    .routing("admin", r -> {
                        if (s.adminAuth()) r.addFilter(BearerAuth.admin(tokens::get));
                        AdminRoutes.routing(r, readiness, ringHealth::read, observed(telemetry), warnings);
                        AdminRoutes.statusPage(r, new StatusView(clock, started, index, health, policy::get, settings::get,
                                telemetry::requestCounts));
                    });
        }
        WebServer web;
        try {
            web = server.build().start();
            if (!web.isRunning() || web.port() < 1 || (s.adminPort() > 0 && web.port("admin") < 1)) {
                web.stop();
                throw new Refused(List.of("cannot listen on " + s.host() + ":" + s.port()
                        + (s.adminPort() > 0 ? " and admin port " + s.adminPort() : "") + " (is the port taken?)"));
            }
        } catch (RuntimeException e) {
            health.close();
            throw e;
        }
        Recovery recovery;
        try {
            // Bound: now the changes. The identity first, so nothing else is done under a wrong one.
            if (identity.claimIndex() && !index.claim(identity.id())) {
                LOG.log(System.Logger.Level.WARNING, "the index already records another cluster id than " + identity.id());
            }
            Clusters.stamp(nginx, identity.stamp(), identity.id(), "mkv-start")
                    .appendAll(identity.warnings())
                    .forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
            index.announce("coordinator on " + s.host() + ":" + web.port() + (s.adminPort() > 0 ? " (admin " + web.port("admin") + ")" : "")
                    + ", cluster " + identity.id() + ", since " + started);
            recovery = Recovery.start(coordinator, clock, s.recoveryGrace(), s.retireGrace(), started);
        } catch (RuntimeException e) {
            web.stop();
            health.close();
            throw e;
        }
        Running running = new Running(web, health, recovery, index, nginx, settings, policy, listLimit, accessLog, telemetry, tokens, signer);
        Signals.onHangup(() -> running.reload(reload.get()));
        return running;
    }

    /** The tokens of the tokens file, none without one; a file that cannot be used refuses the start. */
    private static Option<Tokens> tokens(Settings s) {
        if (s.tokensFile().isEmpty()) return Option.none();
        Either<Seq<String>, Tokens> loaded = TokensLoader.load(s.tokensFile().get());
        if (loaded.isLeft()) throw new Refused(loaded.getLeft());
        LOG.log(System.Logger.Level.INFO, "tokens: " + loaded.get().size() + " from " + s.tokensFile().get()
                + "; each request needs a bearer token");
        return Option.some(loaded.get());
    }

    /** What a started coordinator tells the operator about who can reach it without a token. */
    static List<String> exposure(Settings s) {
        List<String> w = List.empty();
        if (s.insecure() && s.tokensFile().isEmpty() && !SettingsTable.loopback(s.host())) {
            w = w.append("insecure: the data port on " + s.host() + ":" + s.port() + " asks for no token: anyone who reaches it "
                    + "can read, overwrite and delete every value");
        }
        if (s.adminPort() > 0 && !s.adminAuth() && !SettingsTable.loopback(s.adminHost())) {
            w = w.append("the admin port on " + s.adminHost() + ":" + s.adminPort() + " asks for no token: metrics, health and the "
                    + "status page are open to anyone who reaches it (admin-auth turns that off)");
        }
        return w;
    }

    /** Asks the index what {@link Readiness} needs to know: one lookup, and the damage met so far. */
    private static Seq<String> readiness(ServedIndex index) {
        Option<String> unavailable = Option.none();
        try {
            index.get(READINESS_PROBE);
        } catch (IndexFailure e) {
            if (!e.isCorrupt()) unavailable = Option.some(e.getMessage());
        }
        return Readiness.problems(new Readiness.IndexState(unavailable, index.corruption().map(Throwable::getMessage)));
    }

    /** The metrics adapter seen through the nginx adapter's own port: adapters never import each other. */
    private static VolumeMetrics volumeMetrics(Telemetry telemetry) {
        return new VolumeMetrics() {
            @Override
            public void call(mkv.domain.Volume volume, String operation, Option<mkv.domain.VolumeFailure> failure, long nanos) {
                telemetry.volumeCall(volume, operation, failure, nanos);
            }

            @Override
            public void bytesIn(long bytes) {
                telemetry.bytesIn(bytes);
            }
        };
    }

    /** The metrics adapter seen through the HTTP adapter's own port: adapters never import each other. */
    private static HttpMetrics observed(Telemetry telemetry) {
        return new HttpMetrics() {
            @Override
            public void request(String method, int status, long nanos) {
                telemetry.request(method, status, nanos);
            }

            @Override
            public String contentType() {
                return telemetry.contentType();
            }

            @Override
            public byte[] scrape() {
                return telemetry.scrape();
            }
        };
    }
}
