package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mkv volume --access-log} turns nginx's access log on in the config it writes; without it, it stays off. */
class VolumeAccessLogTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String config(Path volume, String... more) throws IOException {
        var args = new java.util.ArrayList<>(java.util.List.of("volume", "--dir", volume.toString(), "--port", Integer.toString(freePort()),
                "--host", "127.0.0.1", "--exec-plan"));
        args.addAll(java.util.List.of(more));
        assertThat(Main.commandLine().execute(args.toArray(String[]::new))).isZero();
        return Files.readString(volume.resolve("run/nginx.conf"));
    }

    @Test
    void the_flag_turns_the_access_log_on_in_the_volumes_folder_and_it_is_off_by_default() throws IOException {
        assertThat(config(dir.resolve("on"), "--access-log")).contains("access_log \"" + dir.resolve("on/run/log/access.log") + "\" mkv;")
                .contains("log_format mkv ").contains("id=$http_x_request_id").doesNotContain("access_log off;");
        assertThat(config(dir.resolve("off"))).contains("access_log off;").doesNotContain("access.log");
    }
}
