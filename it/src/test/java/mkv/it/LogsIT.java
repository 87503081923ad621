package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator's logs as an operator configures them: log-format json makes every record one JSON
 * object per line, and access-log-file sends the access log to a file of its own, each line with
 * the request id, bytes, duration and user agent, and none of it left on stderr.
 */
class LogsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static List<JsonNode> jsonLines(Path file) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith("{")) out.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void json_logs_and_an_access_log_file_of_its_own() throws Exception {
        Path access = dir.resolve("access.log");
        try (Cluster cluster = Cluster.start(dir, 2, 2, "--log-format", "json", "--access-log", "--access-log-file", access.toString())) {
            Http http = new Http(cluster.base());
            assertThat(http.put("/logs/a", "hello", "X-Request-Id", "logs-it-1").statusCode()).isEqualTo(201);
            assertThat(http.get("/logs/a").statusCode()).isEqualTo(302);
            // Lines reach the file as the log's handler flushes them: wait for both requests' lines.
            Ports.await("the access log file to hold the PUT and the GET", Duration.ofSeconds(30),
                    () -> jsonLines(access).stream().anyMatch(n -> n.path("request_id").asText().equals("logs-it-1"))
                            && jsonLines(access).stream().anyMatch(n -> n.path("message").asText().contains(" GET /logs/a 302 ")));

            List<JsonNode> lines = jsonLines(access);
            assertThat(Files.readAllLines(access)).as("every line of the access log is JSON").hasSize(lines.size()).hasSizeGreaterThanOrEqualTo(2);
            JsonNode put = lines.stream().filter(n -> n.path("request_id").asText().equals("logs-it-1")).findFirst().orElseThrow();
            assertThat(put.path("logger").asText()).isEqualTo("mkv.access");
            assertThat(put.path("level").asText()).isEqualTo("INFO");
            assertThat(put.path("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(put.path("message").asText()).matches("127\\.0\\.0\\.1 PUT /logs/a 201 \\d+\\.\\dms in=5 out=\\S+ id=logs-it-1 ua=\"Java-http-client/.*\"");
            assertThat(lines).anySatisfy(n -> assertThat(n.path("message").asText()).contains(" GET /logs/a 302 "));

            // The rest of the log is JSON too, the start-up banner included, and holds no access line.
            Path log = dir.resolve("coordinator.log");
            List<JsonNode> records = jsonLines(log);
            assertThat(records).anySatisfy(n -> assertThat(n.path("message").asText()).startsWith("mkv: coordinator listening on port " + cluster.port));
            assertThat(records).noneSatisfy(n -> assertThat(n.path("logger").asText()).isEqualTo("mkv.access"));
            assertThat(Files.readString(log)).doesNotContain("logs-it-1");
            assertThat(Files.readAllLines(log)).filteredOn(line -> line.contains("coordinator listening")).allMatch(line -> line.startsWith("{"));
        }
    }
}
