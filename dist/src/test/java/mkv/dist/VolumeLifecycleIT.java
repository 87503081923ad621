package mkv.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mkv volume} as systemd sees it (docs/OPERATIONS.md, "Under systemd"): a dead nginx is a
 * non-zero exit, a taken port a non-zero exit with a message, a requested stop exit 0 — both
 * through the launcher (nginx in its place) and with the jar alone (mkv supervising nginx).
 */
class VolumeLifecycleIT {
    @TempDir
    static Path dir;
    static Release release;

    @BeforeAll
    static void unpack() {
        release = Release.fromTarball(dir);
    }

    @AfterAll
    static void stop() {
        if (release != null) release.close();
    }

    @Test
    void through_the_launcher_the_volume_process_is_nginx_and_its_kill_is_a_non_zero_exit() {
        int port = Release.freePort();
        Release.Started volume = startVolume("launcher-kill", port, false);
        // The launcher exec'd nginx: the process we started is nginx's master, no JVM stays.
        assertThat(ProcessHandle.of(volume.process().pid()).flatMap(h -> h.info().command()).orElse(""))
                .endsWith("nginx");
        release.track(volume.process().pid());
        Release.signal(volume.process().pid(), "KILL");
        assertThat(volume.exit(Duration.ofSeconds(30))).isEqualTo(128 + 9);
    }

    @Test
    void with_the_jar_alone_a_dead_nginx_is_logged_and_exits_1() {
        int port = Release.freePort();
        Release.Started volume = startVolume("jar-kill", port, true);
        long nginx = nginxPid(volume);
        release.track(nginx);
        Release.signal(nginx, "KILL");
        assertThat(volume.exit(Duration.ofSeconds(30))).isEqualTo(1);
        assertThat(volume.output()).contains("nginx (pid " + nginx + ")").contains("exited with status 137").contains("the volume is down");
    }

    @Test
    void with_the_jar_alone_sigterm_stops_nginx_logs_it_and_exits_0() {
        int port = Release.freePort();
        Release.Started volume = startVolume("jar-term", port, true);
        long nginx = nginxPid(volume);
        release.track(nginx);
        volume.process().destroy(); // SIGTERM
        assertThat(volume.exit(Duration.ofSeconds(30))).as(volume.output()).isZero();
        assertThat(volume.output()).contains("SIGTERM: draining volume 127.0.0.1:" + port).contains("stopped");
        Release.await("nginx " + nginx + " to exit", Duration.ofSeconds(10), () -> ProcessHandle.of(nginx).map(h -> !h.isAlive()).orElse(true));
        assertThat(Release.open(port)).isFalse();
    }

    @Test
    void a_taken_port_is_a_non_zero_exit_that_says_so_through_the_launcher_and_with_the_jar_alone() {
        int port = Release.freePort();
        Release.Started first = startVolume("first", port, false);
        release.track(first.process().pid());
        for (boolean jarAlone : new boolean[] {false, true}) {
            String[] args = {"volume", "--dir", release.work.resolve("second").toString(), "--port", Integer.toString(port), "--host", "127.0.0.1", "--secret-file", release.secret()};
            Release.Started second = jarAlone ? release.jarAlone("second-jar", args) : release.mkv("second-launcher", args);
            assertThat(second.exit(Duration.ofSeconds(60))).as(second.output()).isEqualTo(1);
            assertThat(second.output()).contains("cannot listen on 127.0.0.1:" + port).doesNotContain("volume on");
        }
        assertThat(first.process().isAlive()).as("the volume holding the port is untouched").isTrue();
        assertThat(Release.open(port)).isTrue();
    }

    private Release.Started startVolume(String name, int port, boolean jarAlone) {
        String[] args = {"volume", "--dir", release.work.resolve(name).toString(), "--port", Integer.toString(port), "--host", "127.0.0.1", "--secret-file", release.secret()};
        Release.Started volume = jarAlone ? release.jarAlone(name, args) : release.mkv(name, args);
        Release.await("volume " + name + " on port " + port, Duration.ofSeconds(60), () -> {
            if (!volume.process().isAlive()) throw new AssertionError("mkv volume exited: " + volume.output());
            return Release.open(port) && volume.output().contains("volume on 127.0.0.1:" + port);
        });
        return volume;
    }

    private static long nginxPid(Release.Started volume) {
        Matcher m = Pattern.compile("nginx pid (\\d+)").matcher(volume.output());
        assertThat(m.find()).as(volume.output()).isTrue();
        return Long.parseLong(m.group(1));
    }
}
