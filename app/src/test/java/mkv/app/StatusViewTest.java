package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import java.nio.file.Path;
import mkv.adapter.http.StatusPage;
import org.junit.jupiter.api.Test;

/** What the status page lists as the settings in force, and that a secret never shows. */
class StatusViewTest {
    private static Settings settings() {
        return SettingsLoader.load(new SettingsLoader.Sources(java.util.Map.of("volumes", "a:1,b:2,c:3", "read-timeout", "1500ms"),
                java.util.Map.of(), Option.none())).get();
    }

    @Test
    void every_setting_of_the_table_is_listed_in_order_with_its_value_as_an_operator_writes_it() {
        var rows = StatusView.settings(settings());
        assertThat(rows).extracting(StatusPage.SettingRow::name).containsExactlyElementsOf(SettingsTable.ALL.map(Setting::name));
        assertThat(rows).contains(new StatusPage.SettingRow("volumes", "a:1,b:2,c:3", "reload"),
                new StatusPage.SettingRow("read-timeout", "1500ms", "reload"),
                new StatusPage.SettingRow("health-interval", "1s", "restart"),
                new StatusPage.SettingRow("fallback", "—", "reload"));
    }

    @Test
    void a_secret_setting_shows_only_whether_it_is_set_never_its_value() {
        var type = new Setting.Type<Option<Path>>(StatusView.SECRET_LABEL, t -> Option.of(Path.of(t)), false);
        Setting<Option<Path>> set = Setting.of("token-file", type, "/etc/mkv/token", Setting.Reload.RESTART,
                s -> Option.of(Path.of("/etc/mkv/token")), "A file holding a secret.");
        Setting<Option<Path>> unset = Setting.of("other-file", type, "/x", Setting.Reload.RESTART, s -> Option.none(), "Another.");
        assertThat(StatusView.shown(set, settings())).isEqualTo("(set)").doesNotContain("token");
        assertThat(StatusView.shown(unset, settings())).isEqualTo("(not set)");
    }
}
