package mkv.app;

import static mkv.app.Setting.Reload.LIVE;
import static mkv.app.Setting.Reload.RESTART;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import mkv.adapter.nginx.VolumeList;
import mkv.adapter.tls.TlsFiles;
import mkv.domain.BlobPath;
import mkv.domain.Key;
import mkv.domain.Ring;
import mkv.domain.Volume;

/**
 * Every setting of the coordinator, declared once. The flags of {@code mkv server} and
 * {@code mkv dev}, the YAML keys, the {@code MKV_*} variables, the checks, what a reload may
 * change and the table in docs/OPERATIONS.md all come from this list; {@link Settings} is the
 * typed record built from it. To add a setting: declare it here, add it to {@link #ALL} and to
 * {@link #settings}, add the record component, and paste the regenerated table into the doc
 * (SettingsTableTest fails and prints it).
 */
final class SettingsTable {
    private SettingsTable() {}

    // Types: how text becomes a value. Parsers throw on bad text; the loader names the setting.
    static final Setting.Type<Integer> INT = new Setting.Type<>("N", Integer::parseInt, false);
    static final Setting.Type<Double> DECIMAL = new Setting.Type<>("N", SettingsTable::decimal, false);
    static final Setting.Type<Duration> DURATION = new Setting.Type<>("DURATION", DurationConverter::parse, false);
    static final Setting.Type<Boolean> BOOL = new Setting.Type<>("BOOL", SettingsTable::bool, true);
    static final Setting.Type<String> TEXT = new Setting.Type<>("TEXT", Function.identity(), false);
    static final Setting.Type<Path> PATH = new Setting.Type<>("PATH", Path::of, false);
    static final Setting.Type<IndexLocation> INDEX = new Setting.Type<>("PATH", SettingsTable::index, false);
    static final Setting.Type<VolumeList> VOLUME_LIST = new Setting.Type<>("HOST:PORT,...", SettingsTable::volumes, false);
    static final Setting.Type<Option<Path>> OPTIONAL_PATH = new Setting.Type<>("PATH",
            text -> text.isBlank() ? Option.none() : Option.some(Path.of(text)), false);
    static final Setting.Type<Option<String>> HOST_PORT = new Setting.Type<>("HOST:PORT",
            text -> text.isBlank() ? Option.none() : Option.some(text), false);

    static final Setting.Type<Option<Path>> OPTIONAL_FILE = new Setting.Type<>("FILE",
            text -> text.isBlank() ? Option.none() : Option.some(Path.of(text)), false);

    private static final Rule<Integer> PORT_NUMBER = Rule.between(1, 65535);

    static final Setting<VolumeList> VOLUMES = Setting.computed("volumes", VOLUME_LIST, "— (required)",
            done -> Option.some(VolumeList.http(List.empty())), LIVE, Settings::volumes,
            "The nginx volumes, `host:port`, in any order. A new list changes placement for new PUTs; "
                    + "run `mkv rebalance` to move existing keys. A volume that speaks TLS is written with the https scheme "
                    + "(see `tls-ca`), which moves no key, as the ring knows a volume by its host and port alone.")
            .rule(list -> list.volumes().isEmpty() ? Option.some("at least one volume (host:port) is needed")
                    : list.volumes().distinct().size() != list.volumes().size() ? Option.some("a volume is listed twice") : Option.none());
    static final Setting<IndexLocation> DB = Setting.of("db", INDEX, "mkv.db", RESTART, Settings::db,
            "The index: a SQLite file (WAL files and a lock beside it), as a path or `sqlite:PATH`. Another scheme "
                    + "(`NAME://…`) would pick another index adapter; this build has SQLite alone.");
    static final Setting<String> HOST = Setting.of("host", TEXT, "127.0.0.1", RESTART, Settings::host,
            "Address both ports bind to. Only this machine can reach the default; any other address (such as `0.0.0.0`) "
                    + "needs `tokens-file`, or `insecure` to run open.").label("ADDRESS");
    static final Setting<Integer> PORT = Setting.of("port", INT, "3000", RESTART, Settings::port,
            "The data port.").label("PORT").rule(PORT_NUMBER);
    static final Setting<Integer> ADMIN_PORT = Setting.computed("admin-port", INT, "port + 100", done -> done.find(PORT).map(p -> p + 100),
            RESTART, Settings::adminPort, "Metrics and health; `0` turns the admin port off.").label("PORT")
            .rule(n -> n < 0 || n > 65535 ? Option.some(n + " is outside 1-65535 (0 turns it off)") : Option.none());
    static final Setting<String> ADMIN_HOST = Setting.of("admin-host", TEXT, "127.0.0.1", RESTART, Settings::adminHost,
            "Address the admin port binds to: loopback by default, so metrics, health and the status page are not "
                    + "open to the network unless asked.").label("ADDRESS");
    static final Setting<Option<Path>> SECRET_FILE = Setting.computed("secret-file", OPTIONAL_FILE, "—", done -> Option.some(Option.none()),
            LIVE, Settings::secretFile, "The secret shared with the volumes (`KEYID SECRET` lines; the first signs, all verify): "
                    + "every request to a volume and every redirect is signed with it. Re-read on SIGHUP, for a key rotation "
                    + "(see docs/SECURITY.md). Required unless `insecure`.");
    static final Setting<Duration> URL_TTL = Setting.of("url-ttl", DURATION, "1h", LIVE, Settings::urlTtl,
            "How long the signed volume URL in a GET's 302 stays valid. nginx checks it when a request starts, so a "
                    + "download of any length needs only to start in time; the hour covers clients that come back with Range "
                    + "requests (resumed or parallel downloads, players seeking) and clocks a little apart. An unlinked "
                    + "value stays readable by a URL handed out before the unlink for at most this long.")
            .rule(Rule.positive());
    static final Setting<Option<Path>> TOKENS_FILE = Setting.computed("tokens-file", OPTIONAL_FILE, "—", done -> Option.some(Option.none()),
            RESTART, Settings::tokensFile, "API tokens, one per line: `TOKEN SCOPE[,SCOPE...]` (scopes read, write, delete, list, admin; "
                    + "`#` starts a comment). Requests then need `Authorization: Bearer TOKEN` (401 without a valid one, 403 without "
                    + "the scope). The file must not be readable by every user; SIGHUP re-reads it. Without it the data port asks for "
                    + "no token (see docs/SECURITY.md, Tokens).");
    static final Setting<Boolean> ADMIN_AUTH = Setting.of("admin-auth", BOOL, "false", RESTART, Settings::adminAuth,
            "The admin port (metrics, health, status page) asks for a token with the `admin` scope too. Turn it on when the "
                    + "admin port is reachable from other machines; needs `tokens-file`.");
    static final Setting<Boolean> INSECURE = Setting.of("insecure", BOOL, "false", RESTART, Settings::insecure,
            "Start without the protections mkv otherwise insists on: with no `secret-file`, requests to volumes and "
                    + "redirects go unsigned (the volumes must be run with `--insecure` too); with no `tokens-file`, the data "
                    + "port may listen where other machines reach it. Logged as a warning at the start and shown in `/readyz`.");
    static final Setting<Integer> REPLICAS = Setting.of("replicas", INT, "3", LIVE, Settings::replicas,
            "Copies of each value, on distinct volumes; at most the number of volumes.").label("R").rule(Rule.atLeast(1));
    static final Setting<Integer> SUBVOLUMES = Setting.of("subvolumes", INT, "1", LIVE, Settings::subvolumes,
            "Folders `sv00`… per volume (one per disk). Changing it changes placement: rebalance after.")
            .rule(Rule.between(1, BlobPath.MAX_SUBVOLUMES));
    static final Setting<Integer> VNODES = Setting.of("vnodes", INT, Integer.toString(Ring.DEFAULT_VNODES), LIVE, Settings::vnodes,
            "Virtual nodes per volume on the ring. Changing it changes placement: rebalance after.").rule(Rule.between(1, 10_000));
    static final Setting<Duration> CONNECT_TIMEOUT = Setting.of("connect-timeout", DURATION, "2s", LIVE, Settings::connectTimeout,
            "Connecting to a volume.").rule(Rule.positive());
    static final Setting<Duration> READ_TIMEOUT = Setting.of("read-timeout", DURATION, "10s", LIVE, Settings::readTimeout,
            "How long a volume may stay silent during a call; a hung volume fails a PUT within it.").rule(Rule.positive());
    static final Setting<Duration> HEALTH_INTERVAL = Setting.of("health-interval", DURATION, "1s", RESTART, Settings::healthInterval,
            "How often each volume is probed.").rule(Rule.positive());
    static final Setting<Duration> HEALTH_TIMEOUT = Setting.of("health-timeout", DURATION, "1s", LIVE, Settings::healthTimeout,
            "How long a probe waits to connect and for an answer. A volume that misses one probe is suspect: GETs go to its "
                    + "other replicas from then on, and a failed PUT leaves its files there to recovery rather than wait on it.")
            .rule(Rule.positive());
    static final Setting<Integer> HEALTH_FAILURES = Setting.of("health-failures", INT, "2", RESTART, Settings::healthFailures,
            "Failed probes in a row before a volume counts as down (PUTs placed on it then answer 503 at once; GETs avoid it "
                    + "already after one).")
            .rule(Rule.atLeast(1));
    static final Setting<Integer> HEALTH_SUCCESSES = Setting.of("health-successes", INT, "2", RESTART, Settings::healthSuccesses,
            "Good probes in a row before it counts as up again.").rule(Rule.atLeast(1));
    static final Setting<Boolean> PROTECT = Setting.of("protect", BOOL, "false", LIVE, Settings::protect,
            "DELETE of a live key answers 403: UNLINK it first.");
    static final Setting<Option<String>> FALLBACK = Setting.computed("fallback", HOST_PORT, "—", done -> Option.some(Option.none()), LIVE,
            Settings::fallback, "`host:port` to redirect GETs of missing keys to (such as the old cluster during a migration).")
            .rule(f -> f.isDefined() && Volume.parse(f.get()).isLeft() ? Option.some("'" + f.get() + "' is not host:port") : Option.none());
    static final Setting<Integer> MAX_KEY_BYTES = Setting.of("max-key-bytes", INT, Integer.toString(Key.DEFAULT_MAX_BYTES), LIVE,
            Settings::maxKeyBytes, "Longest key, in UTF-8 bytes.").rule(Rule.between(2, 8192));
    static final Setting<Integer> MAX_LIST_LIMIT = Setting.of("max-list-limit", INT, "10000", LIVE, Settings::maxListLimit,
            "Largest `limit=` a listing may ask for.").rule(Rule.atLeast(1));
    static final Setting<Double> LIST_RATE = Setting.of("list-rate", DECIMAL, "20", LIVE, Settings::listRate,
            "Listings (`?list`, `?unlinked`) per second per client address; `0` turns the limit off. Over it: 429 with `Retry-After`.")
            .label("PER_SECOND").rule(Rule.notNegative());
    static final Setting<Double> LIST_BURST = Setting.of("list-burst", DECIMAL, "40", LIVE, Settings::listBurst,
            "Listings a client may make at once before the rate applies.");
    static final Setting<Boolean> ACCESS_LOG = Setting.of("access-log", BOOL, "false", LIVE, Settings::accessLog,
            "One log line per request (logger `mkv.access`): client, method, path, status, time, bytes in and out, request id, user agent. Off by default: "
                    + "written synchronously to stderr it halved the GET rate on 2 cores (41.6k → 22.1k req/s, `scripts/bench.sh`).");
    static final Setting<Option<Path>> ACCESS_LOG_FILE = Setting.computed("access-log-file", OPTIONAL_PATH, "—",
            done -> Option.some(Option.none()), RESTART, Settings::accessLogFile,
            "Where the access log goes while `access-log` is on: this file alone, appended to, one line per request (unset: "
                    + "with the other logs on stderr). Its folder must exist; a file that cannot be opened stops the start. "
                    + "For logrotate, use `copytruncate`.");
    static final Setting<String> LOG_FORMAT = Setting.of("log-format", TEXT, "text", RESTART, Settings::logFormat,
            "`text`: one line per record (time in UTC, level, logger, message). `json`: one JSON object per line with "
                    + "`time`, `level`, `logger`, `message`, `request_id` when the record is about a request, and `trace` when "
                    + "the server itself failed; the access log file too.").label("text|json")
            .rule(f -> f.equals("text") || f.equals("json") ? Option.none() : Option.some("write text or json, not '" + f + "'"));
    static final Setting<Boolean> SYNC_FULL = Setting.of("sync-full", BOOL, "false", RESTART, Settings::syncFull,
            "SQLite `synchronous=FULL`: a 201 then survives power loss, not only a crash of the coordinator.");
    static final Setting<Boolean> INDEX_CHECK = Setting.of("index-check", BOOL, "true", RESTART, Settings::indexCheck,
            "Read the whole index at start-up (SQLite `integrity_check`) and refuse a damaged one; about 0.4 s per million keys, "
                    + "more when the file is read from disk (see [A damaged index](#a-damaged-index)). Turn it off only for an index "
                    + "too large to check at every start.");
    static final Setting<Duration> RECOVERY_GRACE = Setting.of("recovery-grace", DURATION, "1m", RESTART, Settings::recoveryGrace,
            "A WRITING entry that no request is working on is settled (its replicas deleted, the entry removed) once this old; "
                    + "at start-up, all are.").rule(Rule.positive());
    static final Setting<Duration> RETIRE_GRACE = Setting.of("retire-grace", DURATION, "5m", RESTART, Settings::retireGrace,
            "A value replaced by a new PUT keeps its files this long after the switch (named by its row as retired, so verify "
                    + "leaves them), so a client still holding a redirect to it reads whole bytes; recovery deletes them at its next "
                    + "round after that.").rule(Rule.notNegativeDuration());
    static final Setting<Duration> SHUTDOWN_GRACE = Setting.of("shutdown-grace", DURATION, "30s", RESTART, Settings::shutdownGrace,
            "On SIGTERM, how long in-flight requests may take to finish.").rule(Rule.notNegativeDuration());
    static final Setting<Integer> BODY_MIN_RATE = Setting.of("body-min-rate", INT, "1024", RESTART, Settings::bodyMinRate,
            "Bytes per second a PUT body must bring, on average over each `body-rate-window` spent waiting for it (time spent "
                    + "waiting on a slow volume does not count); `0` turns the limit off. A body that falls behind is aborted and "
                    + "rolled back like a client that disconnected, and answered 408 while the client still listens. The "
                    + "default stops only a body slower than any real link: it never hurts a real upload, however large.")
            .label("BYTES_PER_SECOND").rule(Rule.atLeast(0));
    static final Setting<Duration> BODY_RATE_WINDOW = Setting.of("body-rate-window", DURATION, "30s", RESTART, Settings::bodyRateWindow,
            "The window `body-min-rate` is measured over; a body that sends nothing at all for this long has its connection "
                    + "closed. So a client that trickles its body holds its key (409 for everyone else) for about this long at most.")
            .rule(Rule.positive());

    static final Setting<Option<Path>> TLS_CERT = Setting.computed("tls-cert", OPTIONAL_PATH, "—", done -> Option.some(Option.none()), RESTART,
            Settings::tlsCert, "A PEM certificate (the server's first, then its chain): with `tls-key`, both ports speak only https. "
                    + "SIGHUP re-reads the file (see [Certificates](#certificates)); turning TLS on or off needs a restart.")
            .label("PEM").rule(file -> file.flatMap(f -> TlsFiles.certificates(f).swap().toOption()));
    static final Setting<Option<Path>> TLS_KEY = Setting.computed("tls-key", OPTIONAL_PATH, "—", done -> Option.some(Option.none()), RESTART,
            Settings::tlsKey, "The PEM private key of `tls-cert`, unencrypted (PKCS#8 or RSA); re-read on SIGHUP with it.")
            .label("PEM").rule(file -> file.flatMap(f -> TlsFiles.privateKey(f).swap().toOption()));
    static final Setting<Option<Path>> TLS_CA = Setting.computed("tls-ca", OPTIONAL_PATH, "—", done -> Option.some(Option.none()), LIVE,
            Settings::tlsCa, "PEM certificates of the CA(s) that sign the volumes' certificates: an https volume is trusted only "
                    + "when one of them signed its certificate for the host it is listed by. Needed when any volume is https.")
            .label("PEM").rule(file -> file.flatMap(f -> TlsFiles.certificates(f).swap().toOption()));

    /** Every setting, in the order --help and the doc list them; a derived default comes after what it reads. */
    static final List<Setting<?>> ALL = List.of(VOLUMES, DB, HOST, PORT, ADMIN_PORT, ADMIN_HOST, SECRET_FILE, URL_TTL, TOKENS_FILE, ADMIN_AUTH, INSECURE,
            REPLICAS, SUBVOLUMES, VNODES,
            CONNECT_TIMEOUT, READ_TIMEOUT, HEALTH_INTERVAL, HEALTH_TIMEOUT, HEALTH_FAILURES, HEALTH_SUCCESSES, PROTECT, FALLBACK,
            MAX_KEY_BYTES, MAX_LIST_LIMIT, LIST_RATE, LIST_BURST, ACCESS_LOG, ACCESS_LOG_FILE, LOG_FORMAT, SYNC_FULL, INDEX_CHECK, RECOVERY_GRACE,
            RETIRE_GRACE, SHUTDOWN_GRACE, BODY_MIN_RATE, BODY_RATE_WINDOW, TLS_CERT, TLS_KEY, TLS_CA);

    /** A rule over several settings, checked whenever each setting it reads is valid on its own. */
    record Across(List<Setting<?>> reads, Function<Setting.Values, Option<String>> check) {}

    static final List<Across> ACROSS = List.of(
            new Across(List.of(PORT, ADMIN_PORT), v -> v.get(ADMIN_PORT).equals(v.get(PORT))
                    ? Option.some("admin-port: must differ from port (" + v.get(PORT) + ")") : Option.none()),
            new Across(List.of(VOLUMES, REPLICAS), v -> v.get(REPLICAS) > v.get(VOLUMES).volumes().size()
                    ? Option.some("replicas: " + v.get(REPLICAS) + " replicas need at least " + v.get(REPLICAS) + " volumes, but "
                            + v.get(VOLUMES).volumes().size() + " are given (lower replicas or add volumes)") : Option.none()),
            new Across(List.of(HOST, TOKENS_FILE, INSECURE), v -> !loopback(v.get(HOST)) && v.get(TOKENS_FILE).isEmpty() && !v.get(INSECURE)
                    ? Option.some("host: the data port would listen on " + v.get(HOST) + ", where other machines can reach it, and no "
                            + "tokens-file is given, so anyone reaching it could read, overwrite and delete every value: give "
                            + "--tokens-file FILE (docs/SECURITY.md), or --host 127.0.0.1, or --insecure to run it open anyway")
                    : Option.none()),
            new Across(List.of(ADMIN_AUTH, TOKENS_FILE), v -> v.get(ADMIN_AUTH) && v.get(TOKENS_FILE).isEmpty()
                    ? Option.some("admin-auth: needs a tokens-file holding a token with the admin scope") : Option.none()),
            new Across(List.of(LIST_RATE, LIST_BURST), v -> v.get(LIST_RATE) > 0 && v.get(LIST_BURST) < 1
                    ? Option.some("list-burst: must be at least 1 while list-rate is on") : Option.none()),
            new Across(List.of(TLS_CERT, TLS_KEY), v -> v.get(TLS_CERT).isDefined() != v.get(TLS_KEY).isDefined()
                    ? Option.some(v.get(TLS_CERT).isDefined() ? "tls-key: needed with tls-cert" : "tls-cert: needed with tls-key")
                    : v.get(TLS_CERT).flatMap(cert -> TlsFiles.problems(cert, v.get(TLS_KEY).get()).headOption()).map(p -> "tls-key: " + p)),
            new Across(List.of(VOLUMES, TLS_CA), v -> !v.get(VOLUMES).https().isEmpty() && v.get(TLS_CA).isEmpty()
                    ? Option.some("tls-ca: needed to verify the https volumes (" + v.get(VOLUMES).https().mkString(",")
                            + "): give the PEM certificate of the CA that signed theirs") : Option.none()));

    /** The broken rules among several settings, of those whose settings are all in {@code values}. */
    static Seq<String> across(Setting.Values values) {
        return ACROSS.filter(a -> a.reads().forAll(s -> values.byName().containsKey(s.name()))).flatMap(a -> a.check().apply(values));
    }

    static Option<Setting<?>> named(String name) {
        return ALL.find(s -> s.name().equals(name));
    }

    /** The typed record, from a value for every setting. */
    static Settings settings(Setting.Values v) {
        return new Settings(v.get(VOLUMES), v.get(DB), v.get(HOST), v.get(PORT), v.get(ADMIN_PORT),
                v.get(ADMIN_HOST), v.get(SECRET_FILE), v.get(URL_TTL), v.get(TOKENS_FILE), v.get(ADMIN_AUTH), v.get(INSECURE), v.get(REPLICAS),
                v.get(SUBVOLUMES), v.get(VNODES), v.get(CONNECT_TIMEOUT), v.get(READ_TIMEOUT), v.get(HEALTH_INTERVAL),
                v.get(HEALTH_TIMEOUT), v.get(HEALTH_FAILURES), v.get(HEALTH_SUCCESSES), v.get(PROTECT), v.get(FALLBACK),
                v.get(MAX_KEY_BYTES), v.get(MAX_LIST_LIMIT), v.get(LIST_RATE), v.get(LIST_BURST), v.get(ACCESS_LOG),
                v.get(ACCESS_LOG_FILE), v.get(LOG_FORMAT),
                v.get(SYNC_FULL), v.get(INDEX_CHECK), v.get(RECOVERY_GRACE), v.get(RETIRE_GRACE), v.get(SHUTDOWN_GRACE), v.get(BODY_MIN_RATE), v.get(BODY_RATE_WINDOW),
                v.get(TLS_CERT), v.get(TLS_KEY), v.get(TLS_CA));
    }

    /** The settings table of docs/OPERATIONS.md, one row per setting. */
    static String markdown() {
        StringBuilder md = new StringBuilder("| setting | default | reload | meaning |\n|---|---|---|---|\n");
        for (Setting<?> s : ALL) {
            String shown = s.fallback().literal() ? "`" + s.fallback().text() + "`" : s.fallback().text();
            md.append("| `").append(s.name()).append("` | ").append(shown).append(" | ")
                    .append(s.reload() == LIVE ? "yes" : "restart").append(" | ").append(s.help()).append(" |\n");
        }
        return md.toString();
    }

    /** What --help shows for a setting: its meaning, default and whether a reload changes it. */
    static String[] usage(Setting<?> s) {
        String shown = s.fallback().text().replace("—", "none");
        // Help is written in Markdown for docs/OPERATIONS.md; a terminal gets a link's text and where it points.
        String help = s.help().replace("`", "").replaceAll("\\[([^]]+)]\\(#[^)]+\\)", "'$1' in docs/OPERATIONS.md");
        return new String[] {help + " Default: " + shown + (s.reload() == LIVE ? "; SIGHUP changes it." : "; needs a restart.")};
    }

    /**
     * Whether an address only this machine can reach: {@code localhost}, {@code 127.x.x.x} or
     * {@code ::1}, written literally. Anything else, names included, counts as reachable from
     * elsewhere: the check reads no DNS.
     */
    static boolean loopback(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    static IndexLocation index(String text) {
        return IndexLocation.parse(text).getOrElseThrow((String why) -> new IllegalArgumentException(why));
    }

    static VolumeList volumes(String text) {
        return VolumeList.parse(text).getOrElseThrow(errors -> new IllegalArgumentException(errors.mkString("; ")));
    }

    static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("write true or false");
        };
    }

    private static double decimal(String text) {
        double x = Double.parseDouble(text);
        if (!Double.isFinite(x)) throw new IllegalArgumentException("write a finite number");
        return x;
    }
}
