package mkv.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The coordinator's flags, shared by {@code mkv server} and {@code mkv dev}. Each setting can
 * also come from a YAML file (--config) or an environment variable MKV_<NAME>; a flag wins
 * over the environment, which wins over the file. Values are read as text and checked all
 * together by {@link SettingsLoader}, so every mistake is reported at once.
 */
final class ServerOptions {
    @picocli.CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "A YAML file of settings (keys as the flags without '--', e.g. 'read-timeout: 5s'; "
                    + "'volumes' as a list or comma-separated). Re-read on SIGHUP. Env MKV_CONFIG.")
    Path config;

    @picocli.CommandLine.Option(names = "--db", paramLabel = "PATH", description = "The SQLite index file, created when missing (default mkv.db).")
    String db;

    @picocli.CommandLine.Option(names = "--admin-port", paramLabel = "PORT",
            description = "The admin port: /metrics, /livez, /readyz (default: port + 100; 0 turns it off).")
    String adminPort;

    @picocli.CommandLine.Option(names = "--host", description = "Address both ports bind to (default 0.0.0.0).")
    String host;

    @picocli.CommandLine.Option(names = "--replicas", paramLabel = "R", description = "Copies of each value, on R distinct volumes (default 3).")
    String replicas;

    @picocli.CommandLine.Option(names = "--subvolumes", paramLabel = "N",
            description = "Folders sv00..svNN per volume, e.g. one per disk (default 1). Changing it moves data: rebalance after.")
    String subvolumes;

    @picocli.CommandLine.Option(names = "--vnodes", paramLabel = "N",
            description = "Virtual nodes per volume on the hash ring (default 1024). Changing it moves data: rebalance after.")
    String vnodes;

    @picocli.CommandLine.Option(names = "--connect-timeout", paramLabel = "DURATION", description = "Connect timeout to volumes (default 2s).")
    String connectTimeout;

    @picocli.CommandLine.Option(names = "--read-timeout", paramLabel = "DURATION",
            description = "How long a volume may stay silent during a call before the call fails (default 10s).")
    String readTimeout;

    @picocli.CommandLine.Option(names = "--health-interval", paramLabel = "DURATION", description = "How often every volume is probed (default 1s).")
    String healthInterval;

    @picocli.CommandLine.Option(names = "--health-failures", paramLabel = "N", description = "Failed probes in a row before a volume is down (default 2).")
    String healthFailures;

    @picocli.CommandLine.Option(names = "--health-successes", paramLabel = "N", description = "Good probes in a row before it is up again (default 2).")
    String healthSuccesses;

    @picocli.CommandLine.Option(names = "--protect", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Refuse DELETE of a live key: it must be UNLINKed first (default false).")
    String protect;

    @picocli.CommandLine.Option(names = "--fallback", paramLabel = "HOST:PORT",
            description = "Redirect GETs of missing keys to this server (e.g. an older cluster during a migration).")
    String fallback;

    @picocli.CommandLine.Option(names = "--max-key-bytes", paramLabel = "N", description = "Longest key accepted, in UTF-8 bytes (default 1024).")
    String maxKeyBytes;

    @picocli.CommandLine.Option(names = "--max-list-limit", paramLabel = "N", description = "Largest page a listing may ask for with limit= (default 10000).")
    String maxListLimit;

    @picocli.CommandLine.Option(names = "--list-rate", paramLabel = "PER_SECOND",
            description = "Listings (?list, ?unlinked) allowed per second per client address; 0 turns the limit off (default 20).")
    String listRate;

    @picocli.CommandLine.Option(names = "--list-burst", paramLabel = "N", description = "Listings a client may make at once before the rate applies (default 40).")
    String listBurst;

    @picocli.CommandLine.Option(names = "--access-log", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Log one line per request (logger mkv.access) with its request id (default false: on 2 cores it halves the GET rate).")
    String accessLog;

    @picocli.CommandLine.Option(names = "--sync-full", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "fsync the index at every commit (SQLite synchronous=FULL): acknowledged writes survive power loss, "
                    + "not only a crash of the coordinator. Costs write latency (default false).")
    String syncFull;

    @picocli.CommandLine.Option(names = "--recovery-grace", paramLabel = "DURATION",
            description = "A WRITING entry no request is working on is settled (replicas deleted, entry removed) once this old; "
                    + "at start-up every WRITING entry is (default 1m).")
    String recoveryGrace;

    @picocli.CommandLine.Option(names = "--retire-grace", paramLabel = "DURATION",
            description = "A value replaced by a new PUT keeps its files this long after the switch, so a redirect handed out "
                    + "before it still finds its bytes; then recovery deletes them (default 5m).")
    String retireGrace;

    @picocli.CommandLine.Option(names = "--shutdown-grace", paramLabel = "DURATION",
            description = "On SIGTERM, how long in-flight requests may take to finish (default 30s).")
    String shutdownGrace;

    /** The settings given as flags, by setting name. */
    Map<String, String> flags() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "db", db);
        put(m, "admin-port", adminPort);
        put(m, "host", host);
        put(m, "replicas", replicas);
        put(m, "subvolumes", subvolumes);
        put(m, "vnodes", vnodes);
        put(m, "connect-timeout", connectTimeout);
        put(m, "read-timeout", readTimeout);
        put(m, "health-interval", healthInterval);
        put(m, "health-failures", healthFailures);
        put(m, "health-successes", healthSuccesses);
        put(m, "protect", protect);
        put(m, "fallback", fallback);
        put(m, "max-key-bytes", maxKeyBytes);
        put(m, "max-list-limit", maxListLimit);
        put(m, "list-rate", listRate);
        put(m, "list-burst", listBurst);
        put(m, "access-log", accessLog);
        put(m, "sync-full", syncFull);
        put(m, "recovery-grace", recoveryGrace);
        put(m, "retire-grace", retireGrace);
        put(m, "shutdown-grace", shutdownGrace);
        return m;
    }

    /** The YAML file: --config, else MKV_CONFIG. */
    io.vavr.control.Option<Path> configFile(Map<String, String> env) {
        if (config != null) return io.vavr.control.Option.of(config);
        String fromEnv = env.get("MKV_CONFIG");
        return fromEnv == null || fromEnv.isBlank() ? io.vavr.control.Option.none() : io.vavr.control.Option.of(Path.of(fromEnv));
    }

    /**
     * Where this command's settings come from, now (a reload calls this again): the
     * command's own flags and computed values, under the flags given here.
     */
    SettingsLoader.Sources sources(Map<String, String> overrides) {
        Map<String, String> env = System.getenv();
        Map<String, String> flags = new LinkedHashMap<>(overrides);
        flags.putAll(flags());
        return new SettingsLoader.Sources(flags, SettingsLoader.fromEnvironment(env), configFile(env));
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) m.put(key, value);
    }
}
