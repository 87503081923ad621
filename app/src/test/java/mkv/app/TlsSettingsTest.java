package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import mkv.adapter.tls.TestCertificates;
import mkv.domain.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings: each way a certificate, key or CA file can be wrong is one clear problem, named by its setting. */
class TlsSettingsTest {
    @TempDir
    static Path dir;
    static TestCertificates ca;
    static TestCertificates.Issued mine;
    static TestCertificates.Issued other;

    @BeforeAll
    static void make_certificates() {
        ca = TestCertificates.authority(dir, "settings-tls");
        mine = ca.issue("mine", 1);
        other = ca.issue("other", 2);
    }

    private static Seq<String> problems(Map<String, String> flags) {
        var all = new HashMap<>(Map.of("volumes", "a:1,b:2,c:3"));
        all.putAll(flags);
        return SettingsLoader.load(new SettingsLoader.Sources(all, Map.of(), Option.none())).swap().getOrElseThrow(() -> new AssertionError("loaded"));
    }

    @Test
    void https_volumes_are_kept_with_their_scheme_and_need_a_ca() {
        assertThat(problems(Map.of("volumes", "https://a:1,b:2,c:3")))
                .containsExactly("tls-ca: needed to verify the https volumes (a:1): give the PEM certificate of the CA that signed theirs");
        Settings s = SettingsLoader.load(new SettingsLoader.Sources(Map.of("volumes", "https://a:1,b:2,http://c:3",
                "tls-ca", ca.caCert().toString()), Map.of(), Option.none())).get();
        assertThat(s.volumes().volumes()).containsExactly(new Volume("a", 1), new Volume("b", 2), new Volume("c", 3));
        assertThat(s.volumes().https()).containsExactly(new Volume("a", 1));
    }

    @Test
    void a_certificate_needs_its_key_and_the_key_its_certificate() {
        assertThat(problems(Map.of("tls-cert", mine.cert().toString()))).containsExactly("tls-key: needed with tls-cert");
        assertThat(problems(Map.of("tls-key", mine.key().toString()))).containsExactly("tls-cert: needed with tls-key");
    }

    @Test
    void a_key_that_does_not_fit_the_certificate_is_refused() {
        assertThat(problems(Map.of("tls-cert", mine.cert().toString(), "tls-key", other.key().toString())))
                .singleElement().asString().startsWith("tls-key: " + other.key() + " does not fit " + mine.cert());
    }

    @Test
    void missing_and_unreadable_files_are_named_by_their_setting() {
        Path none = dir.resolve("none.pem");
        Seq<String> problems = problems(Map.of("tls-cert", none.toString(), "tls-key", mine.cert().toString(), "tls-ca", mine.key().toString()));
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).isEqualTo("tls-cert: no file at " + none);
        assertThat(problems.get(1)).startsWith("tls-key: " + mine.cert() + " is not an unencrypted PEM private key");
        assertThat(problems.get(2)).startsWith("tls-ca: " + mine.key() + " holds no");
    }
}
