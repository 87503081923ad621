package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nginx's access log of a volume, on a real nginx: off by default, and when on, in the volume's folder with the request id. */
class NginxAccessLogTest {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static int put(NginxVolumeProcess volume, String path, String requestId) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + volume.config().port() + path))
                .header("X-Request-Id", requestId).header("User-Agent", "access-log-test/1")
                .PUT(HttpRequest.BodyPublishers.ofString("hello")).timeout(DEADLINE).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The access log's text once it holds {@code wanted}; fails after the deadline. No sleep: nginx writes the line as the request ends. */
    private static String awaitLine(Path log, String wanted) throws IOException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            if (text.contains(wanted)) return text;
            if (System.nanoTime() > deadline) throw new AssertionError("no line with " + wanted + " in " + log + " within " + DEADLINE + ": " + text);
            Thread.onSpinWait();
        }
    }

    @Test
    void an_access_log_turned_on_writes_a_line_per_request_with_its_id_in_the_volumes_folder() throws Exception {
        NginxConfig config = NginxConfig.of(dir.resolve("on"), NginxVolumesTest.freePort(), ROOT ? io.vavr.control.Option.some(new WorkerUser("root", "root")) : io.vavr.control.Option.none()).withAccessLog(true);
        try (NginxVolumeProcess volume = NginxVolumeProcess.start(config, Duration.ofSeconds(10))) {
            assertThat(put(volume, "/sv00/aa/bb/blob", "req-4711")).isEqualTo(201);
            String text = awaitLine(config.accessLogFile(), "id=req-4711");
            assertThat(config.accessLogFile()).isEqualTo(dir.resolve("on/run/log/access.log"));
            assertThat(text).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d 127\\.0\\.0\\.1 \"PUT /sv00/aa/bb/blob HTTP/1\\.1\" 201 "
                    + "\\d+ \\d+\\.\\d{3} id=req-4711 ua=\"access-log-test/1\"");
        }
    }

    @Test
    void by_default_a_volume_keeps_no_access_log() throws Exception {
        NginxConfig config = NginxConfig.of(dir.resolve("off"), NginxVolumesTest.freePort(), ROOT ? io.vavr.control.Option.some(new WorkerUser("root", "root")) : io.vavr.control.Option.none());
        try (NginxVolumeProcess volume = NginxVolumeProcess.start(config, Duration.ofSeconds(10))) {
            assertThat(put(volume, "/sv00/aa/bb/blob", "req-1")).isEqualTo(201);
            // The error log exists (nginx opened it at start); no access log was ever opened.
            assertThat(config.errorLog()).exists();
            assertThat(config.accessLogFile()).doesNotExist();
            try (var files = Files.walk(dir)) {
                assertThat(files.filter(p -> p.getFileName().toString().contains("access"))).isEmpty();
            }
        }
    }
}
