package mkv.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The coordinator's flags, shared by {@code mkv server} and {@code mkv dev}: one per setting
 * of {@link SettingsTable}, added to the command by a model transformer, plus {@code --config}.
 * Each setting can also come from the YAML file or {@code MKV_<NAME>}; a flag wins over the
 * environment, which wins over the file. Flags are read as text and checked all together by
 * {@link SettingsLoader}, so every mistake is reported at once.
 */
final class ServerOptions {
    @CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "A YAML file of settings (keys as the flags without '--', such as 'read-timeout: 5s'; "
                    + "'volumes' as a list or comma-separated). Re-read on SIGHUP. Env MKV_CONFIG.")
    Path config;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * Adds a flag for every setting to the command, but for a flag it declares itself with a
     * meaning of its own ({@code mkv dev}'s --volumes is a count, its --port computes the volumes').
     */
    static class SettingFlags implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (Setting<?> s : SettingsTable.ALL.filter(s -> spec.findOption(s.flag()) == null)) {
                // Typed as text, with no picocli default: an unset flag must not hide the environment or the file.
                OptionSpec.Builder option = OptionSpec.builder(s.flag()).type(String.class).paramLabel(s.type().label())
                        .description(usage(s)).userObject(s);
                if (s.type().isSwitch()) option.arity("0..1").fallbackValue("true");
                spec.addOption(option.build());
            }
            return spec;
        }

        /** The flag's help; a command that computes its own default for a setting says so here. */
        String[] usage(Setting<?> s) {
            return SettingsTable.usage(s);
        }
    }

    /** The settings given as flags, by setting name. */
    Map<String, String> flags() {
        Map<String, String> m = new LinkedHashMap<>();
        for (OptionSpec option : command.options()) {
            if (option.userObject() instanceof Setting<?> s && option.getValue() != null) m.put(s.name(), option.getValue());
        }
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
}
