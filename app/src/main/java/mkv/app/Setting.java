package mkv.app;

import io.vavr.collection.HashMap;
import io.vavr.collection.Map;
import io.vavr.control.Option;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One coordinator setting, declared once (see {@link SettingsTable}): its name — the flag
 * without {@code --}, the YAML key, and {@code MKV_<NAME>} — how its text is parsed, its
 * default, the rule its value must keep, whether a reload may change it, which component of
 * {@link Settings} holds it, and the help that {@code --help} and docs/OPERATIONS.md show.
 */
record Setting<T>(String name, Type<T> type, Default<T> fallback, Reload reload, Rule<T> rule,
                  Function<Settings, T> read, String help) {

    /** Whether SIGHUP may change a setting in a running coordinator. */
    enum Reload { LIVE, RESTART }

    /** How a setting's text becomes a value; {@code label} is the parameter --help shows; a switch may be given bare. */
    record Type<T>(String label, Function<String, T> parse, boolean isSwitch) {
        Type<T> labelled(String other) {
            return new Type<>(other, parse, isSwitch);
        }
    }

    /**
     * The value when no source names the setting, and how it is shown: a literal is parsed like
     * any given text; a derived default is computed from the settings parsed before it.
     */
    record Default<T>(String text, boolean literal, Function<Values, Option<T>> value) {}

    /** The settings parsed so far, by name; a derived default reads the ones before it. */
    record Values(Map<String, Object> byName) {
        static Values empty() {
            return new Values(HashMap.empty());
        }

        @SuppressWarnings("unchecked")
        <T> Option<T> find(Setting<T> setting) {
            return byName.get(setting.name()).map(v -> (T) v);
        }

        <T> T get(Setting<T> setting) {
            return find(setting).getOrElseThrow(() -> new IllegalStateException(setting.name() + " was not parsed"));
        }

        <T> Values with(Setting<T> setting, T value) {
            return new Values(byName.put(setting.name(), value));
        }
    }

    /** A setting whose default is written as its text would be. */
    static <T> Setting<T> of(String name, Type<T> type, String defaultText, Reload reload, Function<Settings, T> read, String help) {
        return new Setting<>(name, type, new Default<>(defaultText, true, done -> Option.some(type.parse().apply(defaultText))),
                reload, Rule.any(), read, help);
    }

    /** A setting with no literal default: {@code shown} says what absence means, {@code value} gives it. */
    static <T> Setting<T> computed(String name, Type<T> type, String shown, Function<Values, Option<T>> value, Reload reload,
                                   Function<Settings, T> read, String help) {
        return new Setting<>(name, type, new Default<>(shown, false, value), reload, Rule.any(), read, help);
    }

    Setting<T> rule(Rule<T> other) {
        return new Setting<>(name, type, fallback, reload, other, read, help);
    }

    Setting<T> label(String label) {
        return new Setting<>(name, type.labelled(label), fallback, reload, rule, read, help);
    }

    String flag() {
        return "--" + name;
    }

    /** {@code read-timeout} is {@code MKV_READ_TIMEOUT}. */
    String envName() {
        return "MKV_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    T parse(String text) {
        return type.parse().apply(text.trim());
    }

    /** The problem with this value, naming the setting, if it breaks the rule. */
    Option<String> problem(T value) {
        return rule.check(name, value);
    }

    boolean differs(Settings a, Settings b) {
        return !Objects.equals(read.apply(a), read.apply(b));
    }
}
