package mkv.app;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.file.Path;
import java.time.Duration;
import mkv.domain.BlobPath;
import mkv.domain.Volume;

/** Everything a coordinator needs to run, validated as a whole so every mistake is named at once. */
public record Settings(
        Seq<Volume> volumes,
        Path db,
        String host,
        int port,
        int adminPort,
        int replicas,
        int subvolumes,
        int vnodes,
        Duration connectTimeout,
        Duration readTimeout,
        Duration healthInterval,
        int healthFailures,
        int healthSuccesses,
        boolean protect,
        Option<String> fallback,
        int maxKeyBytes,
        int maxListLimit,
        double listRate,
        double listBurst,
        boolean accessLog,
        boolean syncFull,
        Duration recoveryGrace,
        Duration retireGrace,
        Duration shutdownGrace) {

    /** Every problem with these settings, each naming the setting; empty when they are usable. */
    public Seq<String> problems() {
        List<String> p = List.empty();
        if (volumes.isEmpty()) p = p.append("volumes: at least one volume (host:port) is needed");
        if (volumes.distinct().size() != volumes.size()) p = p.append("volumes: a volume is listed twice");
        if (port < 1 || port > 65535) p = p.append("port: " + port + " is outside 1-65535");
        if (adminPort < 0 || adminPort > 65535) p = p.append("admin-port: " + adminPort + " is outside 1-65535 (0 turns it off)");
        if (adminPort == port) p = p.append("admin-port: must differ from port (" + port + ")");
        if (replicas < 1) p = p.append("replicas: must be at least 1, not " + replicas);
        if (!volumes.isEmpty() && replicas > volumes.size()) {
            p = p.append("replicas: " + replicas + " replicas need at least " + replicas + " volumes, but "
                    + volumes.size() + " are given (lower replicas or add volumes)");
        }
        if (subvolumes < 1 || subvolumes > BlobPath.MAX_SUBVOLUMES) p = p.append("subvolumes: must be 1-" + BlobPath.MAX_SUBVOLUMES + ", not " + subvolumes);
        if (vnodes < 1 || vnodes > 10_000) p = p.append("vnodes: must be 1-10000, not " + vnodes);
        if (!positive(connectTimeout)) p = p.append("connect-timeout: must be positive");
        if (!positive(readTimeout)) p = p.append("read-timeout: must be positive");
        if (!positive(healthInterval)) p = p.append("health-interval: must be positive");
        if (healthFailures < 1) p = p.append("health-failures: must be at least 1");
        if (healthSuccesses < 1) p = p.append("health-successes: must be at least 1");
        if (maxKeyBytes < 2 || maxKeyBytes > 8192) p = p.append("max-key-bytes: must be 2-8192, not " + maxKeyBytes);
        if (maxListLimit < 1) p = p.append("max-list-limit: must be at least 1");
        if (listRate < 0) p = p.append("list-rate: must be 0 (no limit) or more");
        if (listRate > 0 && listBurst < 1) p = p.append("list-burst: must be at least 1");
        if (!positive(recoveryGrace)) p = p.append("recovery-grace: must be positive");
        if (retireGrace == null || retireGrace.isNegative()) p = p.append("retire-grace: must not be negative");
        if (shutdownGrace == null || shutdownGrace.isNegative()) p = p.append("shutdown-grace: must not be negative");
        if (fallback.isDefined() && Volume.parse(fallback.get()).isLeft()) p = p.append("fallback: '" + fallback.get() + "' is not host:port");
        return p;
    }

    /** What a reload may not change in a running coordinator: each differing setting, named. */
    public Seq<String> needsRestart(Settings next) {
        List<String> p = List.empty();
        if (!db.equals(next.db)) p = p.append("db");
        if (!host.equals(next.host)) p = p.append("host");
        if (port != next.port) p = p.append("port");
        if (adminPort != next.adminPort) p = p.append("admin-port");
        if (syncFull != next.syncFull) p = p.append("sync-full");
        if (!healthInterval.equals(next.healthInterval) || healthFailures != next.healthFailures
                || healthSuccesses != next.healthSuccesses) p = p.append("health-*");
        if (!recoveryGrace.equals(next.recoveryGrace)) p = p.append("recovery-grace");
        if (!retireGrace.equals(next.retireGrace)) p = p.append("retire-grace");
        if (!shutdownGrace.equals(next.shutdownGrace)) p = p.append("shutdown-grace");
        return p;
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
