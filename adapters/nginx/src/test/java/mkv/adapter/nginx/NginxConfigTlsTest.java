package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import mkv.adapter.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A volume with a certificate listens only for https, with that certificate and key; nginx accepts the config. */
class NginxConfigTlsTest {

    private static final NginxConfig.Certificate CERT = new NginxConfig.Certificate(Path.of("/etc/mkv/vol.pem"), Path.of("/etc/mkv/vol.key"));

    @Test
    void a_volume_with_a_certificate_listens_for_https_with_it() {
        String text = NginxConfig.of(Path.of("/srv/v"), 8443, io.vavr.control.Option.none()).withTls(CERT).render();
        assertThat(text).contains("""
                        listen 127.0.0.1:8443 ssl;
                        ssl_certificate "/etc/mkv/vol.pem";
                        ssl_certificate_key "/etc/mkv/vol.key";
                        ssl_protocols TLSv1.2 TLSv1.3;
                """);
    }

    @Test
    void a_volume_without_one_speaks_plain_http() {
        String text = NginxConfig.of(Path.of("/srv/v"), 8080, io.vavr.control.Option.none()).render();
        assertThat(text).contains("listen 127.0.0.1:8080;").doesNotContain("ssl");
    }

    @Test
    void the_certificate_survives_a_change_of_subvolumes() {
        var config = NginxConfig.of(Path.of("/srv/v"), 8443, io.vavr.control.Option.none()).withTls(CERT).withSubvolumes(io.vavr.collection.List.of(1));
        assertThat(config.tls()).contains(CERT);
    }

    @Test
    void relative_or_unquotable_certificate_paths_are_rejected() {
        assertThatThrownBy(() -> new NginxConfig.Certificate(Path.of("vol.pem"), Path.of("/k"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NginxConfig.Certificate(Path.of("/a;b.pem"), Path.of("/k"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NginxConfig.Certificate(Path.of("/c"), Path.of("/k\"ey"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nginx_accepts_the_tls_config(@TempDir Path dir) throws Exception {
        var issued = TestCertificates.authority(dir.resolve("ca"), "conf").issue("vol", 7);
        NginxConfig config = NginxConfig.of(dir.resolve("vol"), 8443, "root".equals(System.getProperty("user.name"))
                        ? io.vavr.control.Option.some(new WorkerUser("root", "root")) : io.vavr.control.Option.none())
                .withTls(new NginxConfig.Certificate(issued.cert(), issued.key()));
        NginxVolumeProcess.layOut(config);
        var command = new ArrayList<>(NginxVolumeProcess.command(NginxVolumeProcess.nginxBinary(), config));
        command.add(1, "-t");
        Process check = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue()).as(output).isZero();
        } finally {
            check.destroyForcibly();
        }
    }
}
