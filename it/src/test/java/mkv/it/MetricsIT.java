package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics as a Prometheus user meets it: promtool accepts a scrape, and a real Prometheus
 * (Debian's, installed by bin/test) scrapes a coordinator and answers the queries the
 * dashboard in contrib/ is built on, a rate and a histogram_quantile.
 */
class MetricsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void promtool_accepts_a_scrape_with_conventional_names_and_no_helidon_leftovers() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 2, 2)) {
            Http http = new Http(cluster.base());
            Http admin = new Http(cluster.adminBase());
            assertThat(http.put("/m/a", "hello").statusCode()).isEqualTo(201);
            assertThat(http.get("/m/a").statusCode()).isEqualTo(302);
            String scrape = Http.text(admin.get("/metrics"));
            Path file = dir.resolve("scrape.txt");
            Files.writeString(file, scrape);
            Process check = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("promtool.log").toFile()).start();
            assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("promtool.log"))).isEmpty();
            assertThat(check.exitValue()).isZero();

            assertThat(scrape).contains("mkv_http_request_duration_seconds_bucket{method=\"PUT\",status=\"201\",le=\"")
                    .contains("mkv_build_info{version=\"")
                    .contains("mkv_index_writing_keys 0").contains("mkv_index_writing_oldest_age_seconds 0").contains("mkv_ring_writable_ratio 1")
                    .contains("jvm_memory_used_bytes").contains("process_cpu_seconds_total").contains("process_open_fds")
                    .doesNotContain("scope=").doesNotContain("quantile=").doesNotContain("_max{").doesNotContain("_max ");
            // One live key of 5 bytes, on both volumes; the counters the index keeps, not a scan.
            assertThat(scrape).containsPattern("\nmkv_keys\\{state=\"live\"} 1(\\.0)?\n")
                    .containsPattern("\nmkv_keys\\{state=\"unlinked\"} 0(\\.0)?\n")
                    .containsPattern("\nmkv_stored_bytes\\{state=\"live\"} 5(\\.0)?\n");
            for (int v = 0; v < 2; v++) {
                assertThat(scrape).containsPattern("\nmkv_volume_replicas\\{volume=\"" + cluster.volume(v) + "\"} 1(\\.0)?\n")
                        .containsPattern("\nmkv_volume_stored_bytes\\{volume=\"" + cluster.volume(v) + "\"} 5(\\.0)?\n");
            }
            for (String line : scrape.split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                assertThat(line).as("every series is mkv's, the JVM's or the process's").matches("(mkv|jvm|process)_.*");
            }
        }
    }

    @Test
    void a_real_prometheus_scrapes_the_coordinator_and_answers_a_rate_and_a_quantile() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 2, 2)) {
            Http http = new Http(cluster.base());
            int port = Ports.free();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: mkv
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(cluster.adminPort));
            Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("prometheus-data"), "--web.listen-address=127.0.0.1:" + port)
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                Http api = new Http("http://127.0.0.1:" + port);
                AtomicInteger n = new AtomicInteger();
                // Traffic runs while waiting: a rate needs two scrapes that saw the counter move.
                String rate = "sum(rate(mkv_http_request_duration_seconds_count{method=\"PUT\",status=\"201\"}[5s]))";
                Ports.await("Prometheus to see PUTs at a positive rate", Duration.ofSeconds(90), () -> {
                    assertThat(http.put("/m/" + n.incrementAndGet(), "x").statusCode()).isEqualTo(201);
                    return value(api, rate) > 0;
                });
                assertThat(value(api, "up{job=\"mkv\"}")).isEqualTo(1.0);
                double p99 = value(api,
                        "histogram_quantile(0.99, sum by (le) (rate(mkv_http_request_duration_seconds_bucket{method=\"PUT\"}[1m])))");
                assertThat(p99).isGreaterThan(0).isLessThanOrEqualTo(60);
                assertThat(value(api, "mkv_ring_writable_ratio")).isEqualTo(1.0);
                assertThat(value(api, "count(mkv_volume_up == 1)")).isEqualTo(2.0);

                // Every query of the Grafana dashboard is valid PromQL that Prometheus evaluates.
                JsonNode dashboard = JSON.readTree(Path.of("..", "contrib", "grafana-dashboard.json").toFile());
                int queries = 0;
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String expr = target.path("expr").asText().replace("$__rate_interval", "1m")
                                .replace("$job", ".*").replace("$node_job", ".*").replace("$mountpoint", ".*");
                        var answer = api.get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
                        assertThat(answer.statusCode()).as(expr).isEqualTo(200);
                        assertThat(JSON.readTree(answer.body()).path("status").asText()).as(expr).isEqualTo("success");
                        queries++;
                    }
                }
                assertThat(queries).isGreaterThan(15);
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(30, TimeUnit.SECONDS)) prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The single value of an instant query, or NaN while Prometheus has no answer or no sample yet. */
    private static double value(Http api, String query) {
        java.net.http.HttpResponse<byte[]> response;
        try {
            response = api.get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        } catch (UncheckedIOException notListeningYet) {
            return Double.NaN;
        }
        if (response.statusCode() != 200) return Double.NaN;
        try {
            JsonNode result = JSON.readTree(response.body()).path("data").path("result");
            List<JsonNode> samples = new java.util.ArrayList<>();
            result.forEach(samples::add);
            if (samples.size() != 1) return Double.NaN;
            return Double.parseDouble(samples.get(0).path("value").get(1).asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
