package mkv.app;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the coordinator's settings from, lowest precedence first: the defaults declared in
 * {@link SettingsTable}, a YAML file, {@code MKV_*} environment variables, and command-line
 * flags — merged by Helidon Config — and checks them as a whole: every unknown key, every
 * unparsable value and every broken rule is reported at once, each naming its setting.
 */
final class SettingsLoader {

    /** Where settings come from: flags given, environment, and the YAML file if any. */
    record Sources(java.util.Map<String, String> flags, java.util.Map<String, String> env, Option<Path> file) {}

    private SettingsLoader() {}

    /** The settings named by {@code MKV_<NAME>} variables, by setting name; blank values count as unset. */
    static java.util.Map<String, String> fromEnvironment(java.util.Map<String, String> env) {
        java.util.Map<String, String> found = new java.util.HashMap<>();
        for (Setting<?> s : SettingsTable.ALL) {
            String value = env.get(s.envName());
            if (value != null && !value.isBlank()) found.put(s.name(), value);
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
            try {
                Config yaml = Config.just(ConfigSources.file(file).build());
                for (Config node : yaml.asNodeList().orElse(java.util.List.of())) {
                    if (SettingsTable.named(node.name()).isEmpty()) {
                        problems = problems.append("config: unknown setting '" + node.name() + "' in " + file
                                + " (known: " + SettingsTable.ALL.map(Setting::name).mkString(", ") + ")");
                    }
                }
            } catch (RuntimeException e) {
                return Either.left(List.of("config: cannot read " + file + ": " + e.getMessage()));
            }
            builder.addSource(ConfigSources.file(file).build());
        }
        Config config = builder.build();

        // Parse and check every setting in the table's order; a failure is named and the rest still
        // checked. A setting that fails is left out, so nothing derived from it adds a second problem.
        Setting.Values values = Setting.Values.empty();
        boolean complete = true;
        for (Setting<?> s : SettingsTable.ALL) {
            Either<Option<String>, Setting.Values> next = add(s, text(config, s.name()), values);
            if (next.isLeft()) {
                problems = problems.appendAll(next.getLeft());
                complete = false;
            } else {
                values = next.get();
            }
        }
        problems = problems.appendAll(SettingsTable.across(values));
        return complete && problems.isEmpty() ? Either.right(SettingsTable.settings(values)) : Either.left(problems);
    }

    /** The text a setting was given (a YAML list joined with commas), if any source gives one. */
    private static Option<String> text(Config config, String name) {
        Config node = config.get(name);
        if (node.type() == Config.Type.LIST) {
            return Option.of(String.join(",", node.asList(String.class).orElse(java.util.List.of())));
        }
        return Option.ofOptional(node.asString().asOptional());
    }

    /**
     * The values with this setting added, or its problem: text that does not parse, or a value that
     * breaks its rule. No problem (none) when its default is derived from a setting that failed.
     */
    private static <T> Either<Option<String>, Setting.Values> add(Setting<T> s, Option<String> text, Setting.Values values) {
        T value;
        if (text.isEmpty()) {
            Option<T> fallback = s.fallback().value().apply(values);
            if (fallback.isEmpty()) return Either.left(Option.none());
            value = fallback.get();
        } else {
            try {
                value = s.parse(text.get());
            } catch (RuntimeException e) {
                String why = e.getMessage() == null || e instanceof NumberFormatException ? "" : " (" + e.getMessage() + ")";
                return Either.left(Option.some(s.name() + ": '" + text.get() + "' is not a valid value" + why));
            }
        }
        Option<String> broken = s.problem(value);
        return broken.isDefined() ? Either.left(broken) : Either.right(values.with(s, value));
    }
}
