package mkv.app;

import io.helidon.webserver.WebServer;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import mkv.adapter.health.VolumeHealthChecker;
import mkv.adapter.http.DataRoutes;
import mkv.adapter.http.RequestIds;
import mkv.adapter.nginx.NginxVolumes;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Ring;
import mkv.domain.flow.Coordinator;
import mkv.domain.flow.Policy;

/** Builds a running coordinator from settings, with plain constructors, and takes it down in order. */
final class Wiring {
    private Wiring() {}

    /** A started coordinator; closing it stops the listener first and the index last. */
    record Running(WebServer server, VolumeHealthChecker health, Recovery recovery, SqliteIndex index, NginxVolumes volumes)
            implements AutoCloseable {
        int port() {
            return server.port();
        }

        @Override
        public void close() {
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

    static Running start(Settings s) {
        AtomicReference<Policy> policy = new AtomicReference<>(policy(s));
        SqliteIndex index = SqliteIndex.open(s.db(), SqliteIndex.Options.defaults()
                .withSynchronous(s.syncFull() ? SqliteIndex.Synchronous.FULL : SqliteIndex.Synchronous.NORMAL));
        NginxVolumes volumes = new NginxVolumes(NginxVolumes.Options.defaults().withTimeouts(s.connectTimeout(), s.readTimeout()));
        VolumeHealthChecker health = new VolumeHealthChecker(volumes, () -> policy.get().ring().volumes(),
                new VolumeHealthChecker.Options(s.healthInterval(), s.healthFailures(), s.healthSuccesses())).start();
        Coordinator coordinator = new Coordinator(index, volumes, health, Clock.systemUTC(), new Random(), policy::get);
        // Any WRITING row left by an earlier process is settled before traffic arrives.
        Recovery recovery = Recovery.start(coordinator, Clock.systemUTC(), s.recoveryGrace());
        WebServer server = WebServer.builder()
                .host(s.host())
                .port(s.port())
                .shutdownHook(false)
                .routing(r -> DataRoutes.routing(r, coordinator, new RequestIds()))
                .build()
                .start();
        return new Running(server, health, recovery, index, volumes);
    }
}
