package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import mkv.adapter.tls.TestCertificates;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one table of settings, and everything derived from it: the record, the flags, --help and the doc. */
class SettingsTableTest {

    @Test
    void every_record_component_is_declared_once_in_the_table_in_the_same_order() {
        var components = Arrays.stream(Settings.class.getRecordComponents()).map(c -> c.getName()).toList();
        var declared = SettingsTable.ALL.map(s -> camelCase(s.name())).toJavaList();
        assertThat(declared).containsExactlyElementsOf(components);
        assertThat(SettingsTable.ALL.map(Setting::name).distinct()).hasSameSizeAs(SettingsTable.ALL);
    }

    /** A value for every setting, none its default, all different where the types allow, so a swap shows. */
    @TempDir
    static Path certificates;
    static Map<String, String> notDefaults;

    @BeforeAll
    static void make_certificates() {
        var ca = TestCertificates.authority(certificates, "settings");
        var issued = ca.issue("coordinator", 3);
        notDefaults = new java.util.HashMap<>(NOT_DEFAULTS);
        notDefaults.putAll(Map.of("tls-cert", issued.cert().toString(), "tls-key", issued.key().toString(),
                "tls-ca", ca.caCert().toString()));
    }

    private static final Map<String, String> NOT_DEFAULTS = Map.ofEntries(
            Map.entry("volumes", "a:1,b:2,c:3,d:4"), Map.entry("db", "x.db"), Map.entry("host", "127.0.0.2"),
            Map.entry("port", "4000"), Map.entry("admin-port", "4001"), Map.entry("tokens-file", "api.tokens"),
            Map.entry("admin-auth", "true"), Map.entry("insecure", "true"), Map.entry("replicas", "2"), Map.entry("subvolumes", "3"),
            Map.entry("vnodes", "100"), Map.entry("connect-timeout", "3s"), Map.entry("read-timeout", "4s"),
            Map.entry("health-interval", "5s"), Map.entry("health-timeout", "1500ms"), Map.entry("health-failures", "6"),
            Map.entry("health-successes", "7"),
            Map.entry("protect", "true"), Map.entry("fallback", "old:80"), Map.entry("max-key-bytes", "500"),
            Map.entry("max-list-limit", "99"), Map.entry("list-rate", "8"), Map.entry("list-burst", "9"),
            Map.entry("access-log", "true"), Map.entry("access-log-file", "/var/log/mkv/access.log"), Map.entry("log-format", "json"),
            Map.entry("sync-full", "false"), Map.entry("index-check", "false"), Map.entry("recovery-grace", "11s"), Map.entry("retire-grace", "7m"),
            Map.entry("shutdown-grace", "12s"), Map.entry("body-min-rate", "13"), Map.entry("body-rate-window", "14s"),
            Map.entry("admin-host", "127.0.0.3"), Map.entry("secret-file", "/etc/mkv/secret"), Map.entry("url-ttl", "15m"));

    @Test
    void each_setting_given_as_a_flag_lands_in_the_component_of_its_own_name() {
        assertThat(notDefaults.keySet()).containsExactlyInAnyOrderElementsOf(SettingsTable.ALL.map(Setting::name));
        Settings s = SettingsLoader.load(new SettingsLoader.Sources(notDefaults, Map.of(), Option.none())).get();
        for (Setting<?> setting : SettingsTable.ALL) {
            Object given = setting.parse(notDefaults.get(setting.name()));
            assertThat(component(s, camelCase(setting.name()))).as(setting.name()).isEqualTo(given);
            assertThat(setting.read().apply(s)).as(setting.name()).isEqualTo(given);
        }
    }

    @Test
    void every_literal_default_parses_and_keeps_its_own_rule() {
        for (Setting<?> s : SettingsTable.ALL.filter(s -> s.fallback().literal())) {
            assertThat(ruleOfDefault(s)).as(s.name()).isEmpty();
        }
    }

    @Test
    void the_settings_table_in_operations_md_is_the_declared_one() throws IOException {
        String doc = Files.readString(Path.of("../docs/OPERATIONS.md"), StandardCharsets.UTF_8);
        String expected = SettingsTable.markdown();
        int start = doc.indexOf("| setting | default | reload | meaning |");
        assertThat(start).as("docs/OPERATIONS.md has the settings table").isNotNegative();
        int end = doc.indexOf("\n\n", start);
        String actual = doc.substring(start, end + 1);
        assertThat(actual).as("docs/OPERATIONS.md's settings table; replace it with:\n" + expected).isEqualTo(expected);
    }

    @Test
    void server_help_lists_every_setting_with_its_default() {
        String help = usage("server");
        for (Setting<?> s : SettingsTable.ALL) {
            assertThat(help).contains(s.flag());
        }
        assertThat(help).contains("Default: 10s").contains("Default: port + 100").contains("--config");
    }

    @Test
    void dev_help_lists_the_settings_but_its_own_volumes_and_port_flags_keep_their_meaning() {
        String help = usage("dev");
        assertThat(help).contains("--read-timeout").contains("--protect").contains("--db");
        assertThat(help).contains("How many volumes to start");
        assertThat(Pattern.compile("^ +(-\\w, )?--volumes", Pattern.MULTILINE).matcher(help).results().count()).isEqualTo(1);
    }

    @Test
    void flags_reach_the_loader_as_text_and_a_bare_switch_means_true() {
        CommandLine cli = Main.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs("server", "--volumes", "a:1", "--replicas", "x", "--protect", "--read-timeout", "2s");
        ServerCommand server = parsed.subcommand().commandSpec().commandLine().getCommand();
        Map<String, String> flags = server.options.flags();
        assertThat(flags).containsEntry("volumes", "a:1").containsEntry("replicas", "x").containsEntry("protect", "true")
                .containsEntry("read-timeout", "2s").doesNotContainKey("port");
    }

    @Test
    void the_admin_commands_check_their_shared_flags_with_the_declared_rules_and_name_every_problem() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        int code;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Main.commandLine().execute("rebalance", "--volumes", "a:1,b:2", "--db", "never-opened.db", "--replicas", "3",
                    "--vnodes", "0", "--concurrency", "2000", "--read-timeout", "0s");
        } finally {
            System.setErr(before);
        }
        assertThat(code).isEqualTo(AdminTool.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--replicas: 3 is outside 1-2").contains("--vnodes: 0 is outside 1-10000")
                .contains("--concurrency: 2000 is outside 1-1024").contains("--read-timeout: must be positive");
    }

    private static String usage(String command) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.getSubcommands().get(command).usage(new PrintWriter(out));
        return out.toString();
    }

    private static <T> Option<String> ruleOfDefault(Setting<T> s) {
        return s.problem(s.parse(s.fallback().text()));
    }

    private static Object component(Settings s, String name) {
        try {
            return Settings.class.getMethod(name).invoke(s);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static String camelCase(String name) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : name.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
