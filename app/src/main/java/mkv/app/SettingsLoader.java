package mkv.app;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.vavr.collection.LinkedHashMap;
import io.vavr.collection.List;
import io.vavr.collection.Map;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;
import mkv.domain.Key;
import mkv.domain.Ring;
import mkv.domain.Volume;

/**
 * Reads the coordinator's settings from, lowest precedence first: built-in defaults, a YAML
 * file, {@code MKV_*} environment variables, and command-line flags — merged by Helidon
 * Config — and checks them as a whole, so every problem is reported at once, each naming
 * its setting.
 */
final class SettingsLoader {

    /** Every setting with its default (null: none). Keys are the YAML keys and the flag names. */
    static final Map<String, String> DEFAULTS = LinkedHashMap.<String, String>empty()
            .put("volumes", null)
            .put("db", "mkv.db")
            .put("host", "0.0.0.0")
            .put("port", "3000")
            .put("admin-port", null) // port + 100
            .put("replicas", "3")
            .put("subvolumes", "1")
            .put("vnodes", Integer.toString(Ring.DEFAULT_VNODES))
            .put("connect-timeout", "2s")
            .put("read-timeout", "10s")
            .put("health-interval", "1s")
            .put("health-failures", "2")
            .put("health-successes", "2")
            .put("protect", "false")
            .put("fallback", null)
            .put("max-key-bytes", Integer.toString(Key.DEFAULT_MAX_BYTES))
            .put("max-list-limit", "10000")
            .put("list-rate", "20")
            .put("list-burst", "40")
            .put("access-log", "false")
            .put("sync-full", "false")
            .put("recovery-grace", "1m")
            .put("retire-grace", "5m")
            .put("shutdown-grace", "30s");

    /** Where settings come from: flags given, environment, and the YAML file if any. */
    record Sources(java.util.Map<String, String> flags, java.util.Map<String, String> env, Option<Path> file) {}

    private SettingsLoader() {}

    /** The environment variable of a setting: {@code read-timeout} is {@code MKV_READ_TIMEOUT}. */
    static String envName(String key) {
        return "MKV_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    static java.util.Map<String, String> fromEnvironment(java.util.Map<String, String> env) {
        java.util.Map<String, String> found = new java.util.HashMap<>();
        for (String key : DEFAULTS.keySet()) {
            String value = env.get(envName(key));
            if (value != null && !value.isBlank()) found.put(key, value);
        }
        return found;
    }

    static Either<Seq<String>, Settings> load(Sources sources) {
        List<String> problems = List.empty();
        Config.Builder builder = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource();
        // Helidon Config: a source added earlier takes precedence over later ones.
        builder.addSource(ConfigSources.create(sources.flags()).name("flags"));
        builder.addSource(ConfigSources.create(sources.env()).name("environment"));
        if (sources.file().isDefined()) {
            Path file = sources.file().get();
            if (!Files.isRegularFile(file)) return Either.left(List.of("config: no such file " + file));
            Config yaml;
            try {
                yaml = Config.just(ConfigSources.file(file).build());
                for (Config node : yaml.asNodeList().orElse(java.util.List.of())) {
                    if (!DEFAULTS.containsKey(node.name())) {
                        problems = problems.append("config: unknown setting '" + node.name() + "' in " + file
                                + " (known: " + DEFAULTS.keySet().mkString(", ") + ")");
                    }
                }
            } catch (RuntimeException e) {
                return Either.left(List.of("config: cannot read " + file + ": " + e.getMessage()));
            }
            builder.addSource(ConfigSources.file(file).build());
        }
        Config config = builder.build();
        Reader r = new Reader(config);
        int port = r.get("port", Integer::parseInt, 0);
        Settings s = new Settings(
                r.get("volumes", SettingsLoader::volumes, List.empty()),
                r.get("db", Path::of, Path.of("mkv.db")),
                r.get("host", Function.identity(), "0.0.0.0"),
                port,
                r.value("admin-port").isEmpty() ? port + 100 : r.get("admin-port", Integer::parseInt, 0),
                r.get("replicas", Integer::parseInt, 0),
                r.get("subvolumes", Integer::parseInt, 0),
                r.get("vnodes", Integer::parseInt, 0),
                r.get("connect-timeout", DurationConverter::parse, null),
                r.get("read-timeout", DurationConverter::parse, null),
                r.get("health-interval", DurationConverter::parse, null),
                r.get("health-failures", Integer::parseInt, 0),
                r.get("health-successes", Integer::parseInt, 0),
                r.get("protect", SettingsLoader::bool, false),
                r.value("fallback").filter(f -> !f.isBlank()),
                r.get("max-key-bytes", Integer::parseInt, 0),
                r.get("max-list-limit", Integer::parseInt, 0),
                r.get("list-rate", Double::parseDouble, 0.0),
                r.get("list-burst", Double::parseDouble, 0.0),
                r.get("access-log", SettingsLoader::bool, true),
                r.get("sync-full", SettingsLoader::bool, false),
                r.get("recovery-grace", DurationConverter::parse, null),
                r.get("retire-grace", DurationConverter::parse, null),
                r.get("shutdown-grace", DurationConverter::parse, null));
        problems = problems.appendAll(r.problems);
        if (!r.problems.isEmpty()) return Either.left(problems);
        problems = problems.appendAll(s.problems());
        return problems.isEmpty() ? Either.right(s) : Either.left(problems);
    }

    /** Reads one typed value at a time, collecting every unparsable one instead of stopping. */
    private static final class Reader {
        private final Config config;
        private List<String> problems = List.empty();

        Reader(Config config) {
            this.config = config;
        }

        Option<String> value(String key) {
            Config node = config.get(key);
            if (node.type() == Config.Type.LIST) {
                return Option.of(String.join(",", node.asList(String.class).orElse(java.util.List.of())));
            }
            Option<String> v = Option.ofOptional(node.asString().asOptional());
            return v.orElse(() -> Option.of(DEFAULTS.get(key).getOrNull()));
        }

        <T> T get(String key, Function<String, T> parse, T fallback) {
            Option<String> v = value(key);
            if (v.isEmpty()) return fallback;
            try {
                return parse.apply(v.get().trim());
            } catch (RuntimeException e) {
                String why = e.getMessage() == null || e instanceof NumberFormatException ? "" : " (" + e.getMessage() + ")";
                problems = problems.append(key + ": '" + v.get() + "' is not a valid value" + why);
                return fallback;
            }
        }
    }

    static Seq<Volume> volumes(String text) {
        List<Either<String, Volume>> all = List.of(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).map(Volume::parse);
        List<String> errors = all.filter(Either::isLeft).map(Either::getLeft);
        if (!errors.isEmpty()) throw new IllegalArgumentException(errors.mkString("; "));
        return all.map(Either::get);
    }

    static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("write true or false");
        };
    }
}
