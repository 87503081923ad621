package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated nginx.conf: the directives NGINX.md asks for, only paths inside the volume folder, and nginx -t accepts it. */
class NginxConfigTest {

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private static final NginxConfig CONFIG = NginxConfig.of(Path.of("/srv/mkv/vol1"), 8081, false);

    @Test
    void the_config_has_every_directive_a_volume_needs() {
        String text = CONFIG.render();
        assertThat(text).contains(
                "daemon off;",
                "pid \"/srv/mkv/vol1/run/nginx.pid\";",
                "error_log \"/srv/mkv/vol1/run/log/error.log\"",
                "access_log off;",
                "client_body_temp_path \"/srv/mkv/vol1/run/tmp/client_body\";",
                "proxy_temp_path \"/srv/mkv/vol1/run/tmp/proxy\";",
                "fastcgi_temp_path \"/srv/mkv/vol1/run/tmp/fastcgi\";",
                "uwsgi_temp_path \"/srv/mkv/vol1/run/tmp/uwsgi\";",
                "scgi_temp_path \"/srv/mkv/vol1/run/tmp/scgi\";",
                "root \"/srv/mkv/vol1/data\";",
                "listen 127.0.0.1:8081;",
                "dav_methods PUT DELETE;",
                "create_full_put_path on;",
                "client_max_body_size 0;",
                "autoindex on;",
                "autoindex_format json;",
                "sendfile on;",
                "etag off;",
                "types {}",
                "default_type application/octet-stream;",
                "keepalive_timeout 75s;",
                "keepalive_requests 100000;",
                "client_body_buffer_size");
    }

    @Test
    void user_root_appears_only_when_running_as_root() {
        assertThat(CONFIG.render()).doesNotContain("user ");
        assertThat(NginxConfig.of(Path.of("/srv/v"), 8081, true).render()).contains("user root;");
    }

    @Test
    void every_path_the_config_names_lies_inside_the_volume_folder() {
        Matcher m = QUOTED.matcher(CONFIG.render());
        List<String> paths = new ArrayList<>();
        while (m.find()) paths.add(m.group(1));
        // pid, error log, five temp folders, data root
        assertThat(paths).hasSize(8).allSatisfy(p -> assertThat(Path.of(p).startsWith(CONFIG.dir())).as(p).isTrue());
        // ...and no unquoted path slipped in (comments aside).
        CONFIG.render().lines().map(String::strip).filter(line -> !line.startsWith("#"))
                .flatMap(line -> Stream.of(line.split("\\s+")))
                .filter(token -> token.startsWith("/") && !token.equals("/")) // "location /" is a URI
                .forEach(token -> assertThat(token).startsWith(CONFIG.dir() + "/"));
        assertThat(CONFIG.folders()).allSatisfy(p -> assertThat(p.startsWith(CONFIG.dir())).as(p.toString()).isTrue());
        // The temp folders sit beside the data root, not inside it, so they never show in listings.
        assertThat(CONFIG.tempDir("client_body").startsWith(CONFIG.dataRoot())).isFalse();
    }

    @Test
    void an_ipv6_bind_host_is_bracketed() {
        assertThat(new NginxConfig(Path.of("/v"), 9000, "::1", false).render()).contains("listen [::1]:9000;");
    }

    @Test
    void a_relative_or_unquotable_folder_is_rejected() {
        assertThatThrownBy(() -> NginxConfig.of(Path.of("relative/dir"), 8081, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NginxConfig.of(Path.of("/a\"b"), 8081, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NginxConfig.of(Path.of("/ok"), 0, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nginx_accepts_the_generated_config(@TempDir Path dir) throws Exception {
        NginxConfig config = NginxConfig.of(dir.resolve("vol with space"), 8089, "root".equals(System.getProperty("user.name")));
        Path file = NginxVolumeProcess.layOut(config);

        var command = new ArrayList<>(NginxVolumeProcess.command(NginxVolumeProcess.nginxBinary(), config));
        command.add(1, "-t");
        Process check = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue()).as(output).isZero();
            assertThat(output).contains("syntax is ok", "test is successful");
        } finally {
            check.destroyForcibly();
        }
        assertThat(file).isEqualTo(dir.resolve("vol with space/run/nginx.conf"));
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all).allMatch(p -> p.normalize().startsWith(dir));
        }
    }

    @Test
    void the_folder_layout_is_data_beside_run() throws IOException {
        assertThat(CONFIG.dataRoot()).isEqualTo(Path.of("/srv/mkv/vol1/data"));
        assertThat(CONFIG.configFile()).isEqualTo(Path.of("/srv/mkv/vol1/run/nginx.conf"));
        assertThat(CONFIG.folders().map(p -> CONFIG.dir().relativize(p).toString()))
                .containsExactlyInAnyOrder("data", "run/log", "run/tmp/client_body", "run/tmp/proxy", "run/tmp/fastcgi",
                        "run/tmp/uwsgi", "run/tmp/scgi");
    }
}
