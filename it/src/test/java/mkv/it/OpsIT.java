package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin port, reloads and rate limits, on a real coordinator process. */
class OpsIT {
    @TempDir
    Path dir;

    static double metric(Http admin, String name, String... labels) {
        String text = Http.text(admin.get("/metrics"));
        double total = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
            boolean all = true;
            for (String l : labels) all &= line.contains(l);
            if (!all) continue;
            total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            found = true;
        }
        return found ? total : 0;
    }

    @Test
    void counters_move_after_traffic_and_the_data_port_has_no_metrics() {
        try (Cluster cluster = Cluster.start(dir, 3, 2, "--access-log")) {
            Http http = new Http(cluster.base());
            Http admin = new Http(cluster.adminBase());
            double puts = metric(admin, "mkv_http_request_duration_seconds_count", "method=\"PUT\"", "status=\"201\"");
            double gets = metric(admin, "mkv_http_request_duration_seconds_count", "method=\"GET\"", "status=\"302\"");
            double bytes = metric(admin, "mkv_put_body_bytes_total");
            double writes = metric(admin, "mkv_volume_request_duration_seconds_count", "operation=\"write\"", "outcome=\"ok\"");
            double batches = metric(admin, "mkv_index_batch_writes_count");

            assertThat(http.put("/ops/a", "12345").statusCode()).isEqualTo(201);
            assertThat(http.get("/ops/a").statusCode()).isEqualTo(302);

            assertThat(metric(admin, "mkv_http_request_duration_seconds_count", "method=\"PUT\"", "status=\"201\"")).isEqualTo(puts + 1);
            assertThat(metric(admin, "mkv_http_request_duration_seconds_count", "method=\"GET\"", "status=\"302\"")).isEqualTo(gets + 1);
            assertThat(metric(admin, "mkv_put_body_bytes_total")).isEqualTo(bytes + 5);
            assertThat(metric(admin, "mkv_volume_request_duration_seconds_count", "operation=\"write\"", "outcome=\"ok\"")).isEqualTo(writes + 2);
            assertThat(metric(admin, "mkv_index_batch_writes_count")).isGreaterThan(batches);
            assertThat(metric(admin, "mkv_volume_up", "volume=\"" + cluster.volume(0) + "\"")).isEqualTo(1);
            assertThat(Http.text(admin.get("/metrics"))).contains("mkv_http_request_duration_seconds_bucket");
            assertThat(http.get("/metrics").statusCode()).isEqualTo(404);
            // The access log has the request, with the id the response carried.
            String id = http.get("/ops/a").headers().firstValue("X-Request-Id").orElseThrow();
            Ports.await("the access log line", Duration.ofSeconds(10), () -> cluster.log().contains("GET /ops/a 302") && cluster.log().contains("id=" + id));
        }
    }

    /**
     * Readiness is this coordinator's own: it stays 200 whatever the volumes do (it used to turn
     * 503 when fewer volumes than replicas were up, which took the only coordinator out of a load
     * balancer while every GET still worked). Volume health is information: the body of /readyz,
     * mkv_volume_up and mkv_ring_writable_ratio.
     */
    @Test
    void readyz_stays_200_with_volumes_down_and_reports_them_in_the_body_and_the_metrics() {
        try (Cluster cluster = Cluster.start(dir, 3, 2)) {
            Http http = new Http(cluster.base());
            Http admin = new Http(cluster.adminBase());
            assertThat(http.put("/ready/a", "x").statusCode()).isEqualTo(201);
            assertThat(admin.get("/livez").statusCode()).isEqualTo(200);
            assertThat(admin.get("/readyz").statusCode()).isEqualTo(200);
            assertThat(Http.text(admin.get("/readyz"))).contains("\"up\":3").contains("\"writable\":1.0");
            assertThat(metric(admin, "mkv_ring_writable_ratio")).isEqualTo(1.0);

            cluster.stopVolume(0);
            Ports.await("volume 0 to be seen down", Duration.ofSeconds(10), () -> Http.text(admin.get("/readyz")).contains("\"up\":2"));
            double oneDown = metric(admin, "mkv_ring_writable_ratio");
            assertThat(oneDown).isGreaterThan(0.1).isLessThan(0.9);
            assertThat(metric(admin, "mkv_volume_up", "volume=\"" + cluster.volume(0) + "\"")).isEqualTo(0);
            assertThat(admin.get("/readyz").statusCode()).isEqualTo(200);

            cluster.stopVolume(1);
            Ports.await("volume 1 to be seen down", Duration.ofSeconds(10), () -> Http.text(admin.get("/readyz")).contains("\"up\":1"));
            HttpResponse<byte[]> ready = admin.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(Http.text(ready)).contains("\"ready\":true").contains(cluster.volume(0).toString()).contains(cluster.volume(1).toString())
                    .contains("\"writable\":0.0");
            assertThat(metric(admin, "mkv_ring_writable_ratio")).isEqualTo(0.0);
            assertThat(http.put("/ready/b", "y").statusCode()).isEqualTo(503);
            assertThat(admin.get("/livez").statusCode()).isEqualTo(200);

            cluster.startVolume(0);
            Ports.await("volume 0 to be seen up again", Duration.ofSeconds(10), () -> metric(admin, "mkv_ring_writable_ratio") > 0.1);
            assertThat(Http.text(admin.get("/readyz"))).contains("\"up\":2");
            assertThat(admin.get("/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void sighup_with_a_new_volume_list_takes_effect_and_an_invalid_file_keeps_the_old_settings() throws Exception {
        Path config = dir.resolve("mkv.yaml");
        try (Cluster cluster = Cluster.startConfigured(dir, 3, c -> {
            write(config, "volumes: [" + c.volume(0) + ", " + c.volume(1) + "]\nreplicas: 2\n");
            return List.of("--config", config.toString());
        })) {
            Http http = new Http(cluster.base());
            HttpResponse<byte[]> before = http.put("/reload/before", "x");
            assertThat(before.statusCode()).isEqualTo(201);
            assertThat(http.get("/reload/before").headers().firstValue("Key-Volumes").orElseThrow().split(",")).hasSize(2);

            write(config, "volumes:\n  - " + cluster.volume(0) + "\n  - " + cluster.volume(1) + "\n  - " + cluster.volume(2) + "\nreplicas: 3\n");
            cluster.signalCoordinator("HUP");
            int[] n = {0};
            Ports.await("a PUT to land on three volumes after the reload", Duration.ofSeconds(10), () -> {
                String k = "/reload/after/" + n[0]++;
                assertThat(http.put(k, "y").statusCode()).isEqualTo(201);
                return http.get(k).headers().firstValue("Key-Volumes").orElseThrow().split(",").length == 3;
            });

            write(config, "volumes: [" + cluster.volume(0) + "]\nreplicas: lots\nbogus: 1\n");
            cluster.signalCoordinator("HUP");
            Ports.await("the refused reload to be logged", Duration.ofSeconds(10), () -> cluster.log().contains("reload refused"));
            assertThat(cluster.log()).contains("replicas").contains("bogus");
            assertThat(http.put("/reload/still", "z").statusCode()).isEqualTo(201);
            assertThat(http.get("/reload/still").headers().firstValue("Key-Volumes").orElseThrow().split(",")).hasSize(3);

            // mkv_volume_up lists exactly the volumes in force: a reload that drops one drops its series.
            Http admin = new Http(cluster.adminBase());
            String third = "mkv_volume_up{volume=\"" + cluster.volume(2) + "\"}";
            assertThat(Http.text(admin.get("/metrics"))).contains(third);
            write(config, "volumes: [" + cluster.volume(0) + ", " + cluster.volume(1) + "]\nreplicas: 2\n");
            cluster.signalCoordinator("HUP");
            Ports.await("the dropped volume's mkv_volume_up to go", Duration.ofSeconds(10),
                    () -> !Http.text(admin.get("/metrics")).contains(third));
            assertThat(Http.text(admin.get("/metrics"))).contains("mkv_volume_up{volume=\"" + cluster.volume(0) + "\"} 1");
        }
    }

    @Test
    void a_burst_of_listings_meets_429_with_retry_after_and_recovers() {
        try (Cluster cluster = Cluster.start(dir, 1, 1, "--list-rate", "2", "--list-burst", "5")) {
            Http http = new Http(cluster.base());
            int ok = 0;
            int limited = 0;
            HttpResponse<byte[]> refused = null;
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                HttpResponse<byte[]> r = http.get("/?list");
                if (r.statusCode() == 200) ok++;
                if (r.statusCode() == 429) {
                    limited++;
                    refused = r;
                }
            }
            // The burst, plus what the rate refilled while the 20 requests took their time.
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(ok).isBetween(5, 5 + (int) Math.ceil(2 * seconds));
            assertThat(limited).isPositive();
            assertThat(limited).isEqualTo(20 - ok);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(Integer.parseInt(refused.headers().firstValue("Retry-After").get())).isBetween(1, 5);
            // Other requests are not limited.
            assertThat(http.get("/some/key").statusCode()).isEqualTo(404);
            Ports.await("listings to be allowed again", Duration.ofSeconds(5), () -> http.get("/?list").statusCode() == 200);
        }
    }

    @Test
    void invalid_settings_are_all_listed_at_once_and_nothing_starts() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("mkv.jar", Path.of("../app/target/mkv.jar").toAbsolutePath().toString());
        Process p = new ProcessBuilder(javaBin, "-jar", jar, "server", "--volumes", "a:1,nope", "--replicas", "x",
                "--read-timeout", "soon", "--db", dir.resolve("x.db").toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("volumes").contains("nope").contains("replicas").contains("read-timeout").doesNotContain("Exception");
        assertThat(Files.exists(dir.resolve("x.db"))).isFalse();
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
