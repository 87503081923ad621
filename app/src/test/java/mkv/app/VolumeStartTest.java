package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code mkv volume} does before nginx runs: {@code --access-log} turns nginx's access log on in
 * the config it writes (off without it), and the empty folders moves left are removed.
 */
class VolumeStartTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private String config(Path volume, String... more) throws IOException {
        var args = new java.util.ArrayList<>(java.util.List.of("volume", "--dir", volume.toString(), "--port", Integer.toString(freePort()),
                "--host", "127.0.0.1", "--insecure", "--exec-plan"));
        // As root, mkv volume refuses root-owned folders without an unprivileged account for nginx's workers.
        if ("root".equals(System.getProperty("user.name"))) args.addAll(java.util.List.of("--user", "nobody"));
        args.addAll(java.util.List.of(more));
        assertThat(Main.commandLine().execute(args.toArray(String[]::new))).isZero();
        return Files.readString(volume.resolve("run/nginx.conf"));
    }

    @Test
    void a_volume_starts_without_the_empty_folders_moves_left_unless_told_to_keep_them() throws IOException {
        Path volume = dir.resolve("pruned");
        Path full = Files.createDirectories(volume.resolve("data/sv00/ab/cd"));
        Files.writeString(full.resolve("blob"), "x");
        for (String empty : java.util.List.of("sv00/ab/ce", "sv00/12/34", "sv01/ff/ee")) Files.createDirectories(volume.resolve("data/" + empty));
        config(volume, "--keep-empty-folders");
        assertThat(volume.resolve("data/sv00/12/34")).isDirectory();
        config(volume);
        assertThat(full.resolve("blob")).hasContent("x");
        assertThat(volume.resolve("data/sv00/ab/ce")).doesNotExist();
        assertThat(volume.resolve("data/sv00/12")).doesNotExist();
        assertThat(volume.resolve("data/sv01/ff")).doesNotExist();
        assertThat(volume.resolve("data/sv01")).isDirectory();
    }

    @Test
    void the_flag_turns_the_access_log_on_in_the_volumes_folder_and_it_is_off_by_default() throws IOException {
        assertThat(config(dir.resolve("on"), "--access-log")).contains("access_log \"" + dir.resolve("on/run/log/access.log") + "\" mkv;")
                .contains("log_format mkv ").contains("id=$http_x_request_id").doesNotContain("access_log off;");
        assertThat(config(dir.resolve("off"))).contains("access_log off;").doesNotContain("access.log");
    }
}
