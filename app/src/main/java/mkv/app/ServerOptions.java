package mkv.app;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.nio.file.Path;
import java.time.Duration;
import mkv.domain.Volume;

/**
 * The coordinator's flags, shared by {@code mkv server} and {@code mkv dev}. Each can also
 * come from an environment variable (named in its help), which a flag overrides.
 */
final class ServerOptions {
    @picocli.CommandLine.Option(names = "--db", defaultValue = "${env:MKV_DB:-mkv.db}", paramLabel = "PATH",
            description = "The SQLite index file (created when missing; default ${DEFAULT-VALUE}; env MKV_DB).")
    Path db;

    @picocli.CommandLine.Option(names = "--host", defaultValue = "${env:MKV_HOST:-0.0.0.0}",
            description = "Address the data port binds to (default ${DEFAULT-VALUE}; env MKV_HOST).")
    String host;

    @picocli.CommandLine.Option(names = "--replicas", defaultValue = "${env:MKV_REPLICAS:-3}", paramLabel = "R",
            description = "Copies of each value, on R distinct volumes (default ${DEFAULT-VALUE}; env MKV_REPLICAS).")
    int replicas;

    @picocli.CommandLine.Option(names = "--subvolumes", defaultValue = "${env:MKV_SUBVOLUMES:-1}", paramLabel = "N",
            description = "Folders sv00..svNN per volume, e.g. one per disk (default ${DEFAULT-VALUE}). Changing it moves data: rebalance after.")
    int subvolumes;

    @picocli.CommandLine.Option(names = "--vnodes", defaultValue = "${env:MKV_VNODES:-1024}", paramLabel = "N",
            description = "Virtual nodes per volume on the hash ring (default ${DEFAULT-VALUE}). Changing it moves data: rebalance after.")
    int vnodes;

    @picocli.CommandLine.Option(names = "--connect-timeout", defaultValue = "${env:MKV_CONNECT_TIMEOUT:-2s}", paramLabel = "DURATION",
            description = "Connect timeout to volumes (default ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @picocli.CommandLine.Option(names = "--read-timeout", defaultValue = "${env:MKV_READ_TIMEOUT:-10s}", paramLabel = "DURATION",
            description = "How long a volume may stay silent during a call before the call fails (default ${DEFAULT-VALUE}).")
    Duration readTimeout;

    @picocli.CommandLine.Option(names = "--health-interval", defaultValue = "${env:MKV_HEALTH_INTERVAL:-1s}", paramLabel = "DURATION",
            description = "How often every volume is probed (default ${DEFAULT-VALUE}).")
    Duration healthInterval;

    @picocli.CommandLine.Option(names = "--health-failures", defaultValue = "2", paramLabel = "N",
            description = "Failed probes in a row before a volume counts as down (default ${DEFAULT-VALUE}).")
    int healthFailures;

    @picocli.CommandLine.Option(names = "--health-successes", defaultValue = "2", paramLabel = "N",
            description = "Good probes in a row before a down volume counts as up again (default ${DEFAULT-VALUE}).")
    int healthSuccesses;

    @picocli.CommandLine.Option(names = "--protect", defaultValue = "${env:MKV_PROTECT:-false}",
            description = "Refuse DELETE of a live key: it must be UNLINKed first (env MKV_PROTECT).")
    boolean protect;

    @picocli.CommandLine.Option(names = "--fallback", defaultValue = "${env:MKV_FALLBACK}", paramLabel = "HOST:PORT",
            description = "Redirect GETs of missing keys to this server (e.g. an older cluster during a migration).")
    String fallback;

    @picocli.CommandLine.Option(names = "--max-key-bytes", defaultValue = "1024", paramLabel = "N",
            description = "Longest key accepted, in UTF-8 bytes (default ${DEFAULT-VALUE}).")
    int maxKeyBytes;

    @picocli.CommandLine.Option(names = "--max-list-limit", defaultValue = "10000", paramLabel = "N",
            description = "Largest page a listing may ask for with limit= (default ${DEFAULT-VALUE}).")
    int maxListLimit;

    @picocli.CommandLine.Option(names = "--sync-full", defaultValue = "false",
            description = "fsync the index at every commit (SQLite synchronous=FULL): acknowledged writes survive power loss, "
                    + "not only a crash of the coordinator. Costs write latency.")
    boolean syncFull;

    @picocli.CommandLine.Option(names = "--recovery-grace", defaultValue = "1m", paramLabel = "DURATION",
            description = "A WRITING entry no request is working on is settled (its replicas deleted, the entry removed) "
                    + "once it is this old; at start-up every WRITING entry is (default ${DEFAULT-VALUE}).")
    Duration recoveryGrace;

    Settings settings(List<Volume> volumes, int port) {
        return new Settings(volumes, db, host, port, replicas, subvolumes, vnodes, connectTimeout, readTimeout,
                healthInterval, healthFailures, healthSuccesses, protect,
                Option.of(fallback).filter(f -> !f.isBlank()), maxKeyBytes, maxListLimit, syncFull, recoveryGrace);
    }
}
