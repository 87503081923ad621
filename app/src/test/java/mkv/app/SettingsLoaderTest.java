package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings: defaults < YAML file < environment < flags, and every problem named at once. */
class SettingsLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("mkv.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void defaults_fill_everything_but_the_volumes() {
        Settings s = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "a:1,b:2,c:3"), Map.of(), Option.none())).get();
        assertThat(s.port()).isEqualTo(3000);
        assertThat(s.adminPort()).isEqualTo(3100);
        assertThat(s.replicas()).isEqualTo(3);
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.accessLog()).isFalse();
        assertThat(s.indexCheck()).as("a damaged index is refused unless the check is turned off").isTrue();
        assertThat(s.volumes().volumes().map(Object::toString)).containsExactly("a:1", "b:2", "c:3");
    }

    @Test
    void flags_beat_the_environment_which_beats_the_file() throws IOException {
        Path file = yaml("volumes: [f:1, f:2]\nreplicas: 1\nread-timeout: 3s\nport: 4000\nprotect: true\n");
        Settings fileOnly = SettingsLoader.load(new SettingsLoader.Sources(Map.of(), Map.of(), Option.of(file))).get();
        assertThat(fileOnly.volumes().volumes().map(Object::toString)).containsExactly("f:1", "f:2");
        assertThat(fileOnly.readTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(fileOnly.protect()).isTrue();

        Map<String, String> env = SettingsLoader.fromEnvironment(Map.of("MKV_READ_TIMEOUT", "4s", "MKV_PORT", "5000", "MKV_JAVA_OPTS", "-Xmx1g"));
        Settings withEnv = SettingsLoader.load(new SettingsLoader.Sources(Map.of(), env, Option.of(file))).get();
        assertThat(withEnv.readTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(withEnv.port()).isEqualTo(5000);
        assertThat(withEnv.adminPort()).isEqualTo(5100);

        Settings withFlags = SettingsLoader.load(new SettingsLoader.Sources(Map.of("read-timeout", "500ms", "protect", "false"), env, Option.of(file))).get();
        assertThat(withFlags.readTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(withFlags.protect()).isFalse();
        assertThat(withFlags.port()).isEqualTo(5000);
    }

    @Test
    void every_problem_is_listed_at_once_each_naming_its_setting() throws IOException {
        Path file = yaml("volumes: 'a:1,not-a-volume'\nreplicas: x\nbogus: 1\nread-timeout: soon\nlist-rate: -1\n");
        var problems = SettingsLoader.load(new SettingsLoader.Sources(Map.of("port", "99999"), Map.of(), Option.of(file))).getLeft();
        String all = problems.mkString("\n");
        assertThat(all).contains("bogus").contains("volumes").contains("not-a-volume").contains("replicas").contains("read-timeout");
        // Six faults, six problems: three unparsable values, one unknown key, and the two range
        // breaks among the values that did parse.
        assertThat(problems).hasSize(6);
        assertThat(all).contains("list-rate").contains("port: 99999");
    }

    @Test
    void range_problems_are_reported_together_after_parsing() {
        var problems = SettingsLoader.load(new SettingsLoader.Sources(
                Map.of("volumes", "a:1", "replicas", "2", "port", "70000", "list-rate", "-1"), Map.of(), Option.none())).getLeft();
        assertThat(problems.mkString("\n")).contains("replicas: 2 replicas need at least 2 volumes").contains("port: 70000").contains("list-rate");
    }

    @Test
    void a_missing_config_file_is_a_clear_problem() {
        var problems = SettingsLoader.load(new SettingsLoader.Sources(Map.of(), Map.of(), Option.of(dir.resolve("nope.yaml")))).getLeft();
        assertThat(problems.head()).contains("no such file").contains("nope.yaml");
    }

    @Test
    void a_restart_is_needed_only_for_settings_that_cannot_change_live() {
        Settings a = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "a:1,b:2,c:3"), Map.of(), Option.none())).get();
        Settings b = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "a:1,b:2,c:3,d:4", "protect", "true", "port", "3001"),
                Map.of(), Option.none())).get();
        assertThat(a.needsRestart(b)).containsExactly("port", "admin-port");
    }

    @Test
    void durations_read_as_people_write_them() {
        assertThat(DurationConverter.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationConverter.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationConverter.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationConverter.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void a_data_port_others_can_reach_needs_tokens_or_insecure() {
        Map<String, String> open = Map.of("volumes", "a:1", "replicas", "1", "host", "0.0.0.0");
        var refused = SettingsLoader.load(new SettingsLoader.Sources(open, Map.of(), Option.none()));
        assertThat(refused.getLeft()).singleElement().asString()
                .startsWith("host: the data port would listen on 0.0.0.0").contains("--tokens-file", "--host 127.0.0.1", "--insecure");
        for (String extra : java.util.List.of("tokens-file", "insecure")) {
            Map<String, String> flags = new java.util.HashMap<>(open);
            flags.put(extra, extra.equals("insecure") ? "true" : "/etc/mkv/tokens");
            assertThat(SettingsLoader.load(new SettingsLoader.Sources(flags, Map.of(), Option.none())).isRight()).as(extra).isTrue();
        }
        Settings local = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "a:1", "replicas", "1"), Map.of(), Option.none())).get();
        assertThat(local.host()).as("the default binds loopback, so it needs no token").isEqualTo("127.0.0.1");
    }

    @Test
    void only_literal_loopback_addresses_count_as_loopback() {
        for (String h : java.util.List.of("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST")) {
            assertThat(SettingsTable.loopback(h)).as(h).isTrue();
        }
        for (String h : java.util.List.of("0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "127.0.0.1.example.com", "myhost", "1127.0.0.1")) {
            assertThat(SettingsTable.loopback(h)).as(h).isFalse();
        }
    }

    @Test
    void the_admin_token_needs_a_tokens_file() {
        var refused = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "a:1", "replicas", "1", "admin-auth", "true"),
                Map.of(), Option.none()));
        assertThat(refused.getLeft()).singleElement().asString().startsWith("admin-auth: needs a tokens-file");
    }

    @Test
    void running_open_on_an_address_others_can_reach_is_a_warning_at_every_start() {
        Settings open = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "a:1", "replicas", "1", "host", "0.0.0.0",
                "admin-host", "0.0.0.0", "insecure", "true"), Map.of(), Option.none())).get();
        assertThat(Wiring.exposure(open)).hasSize(2);
        assertThat(Wiring.exposure(open).get(0)).startsWith("insecure: the data port on 0.0.0.0:3000 asks for no token");
        assertThat(Wiring.exposure(open).get(1)).startsWith("the admin port on 0.0.0.0:3100 asks for no token");
        // Started --insecure without a secret file, the unsigned volumes come first among the warnings /readyz shows.
        assertThat(Wiring.warnings(open)).hasSize(3);
        assertThat(Wiring.warnings(open).get(0)).startsWith("insecure: no secret file");
        Settings guarded = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "a:1", "replicas", "1", "host", "0.0.0.0",
                "admin-host", "0.0.0.0", "tokens-file", "t", "admin-auth", "true", "secret-file", "s"), Map.of(), Option.none())).get();
        assertThat(Wiring.warnings(guarded)).isEmpty();
        Settings local = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "a:1", "replicas", "1", "secret-file", "s"),
                Map.of(), Option.none())).get();
        assertThat(Wiring.warnings(local)).as("loopback needs no warning").isEmpty();
    }
}
