package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** log-format json: one JSON object per line, with the request id when the record is about a request. */
class JsonLogLineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode format(String logger, Level level, String message, Throwable thrown) throws IOException {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName(logger);
        record.setInstant(Instant.parse("2026-11-30T12:00:00.123456Z"));
        record.setThrown(thrown);
        String line = new JsonLogLine().format(record);
        assertThat(line).endsWith(System.lineSeparator());
        assertThat(line.strip()).doesNotContain("\n").doesNotContain("\r");
        return JSON.readTree(line);
    }

    @Test
    void a_warning_about_a_request_carries_its_id_and_the_time_in_utc() throws IOException {
        JsonNode n = format("mkv.adapter.http.KeyHandler", Level.WARNING,
                "request 4f1c-a:b: PUT /k rolled back: body broke off after 10 bytes", null);
        assertThat(n.path("time").asText()).isEqualTo("2026-11-30T12:00:00.123Z");
        assertThat(n.path("level").asText()).isEqualTo("WARNING");
        assertThat(n.path("logger").asText()).isEqualTo("mkv.adapter.http.KeyHandler");
        assertThat(n.path("message").asText()).startsWith("request 4f1c-a:b: PUT /k rolled back");
        assertThat(n.path("request_id").asText()).isEqualTo("4f1c-a:b");
        assertThat(n.has("trace")).isFalse();
    }

    @Test
    void an_access_line_carries_its_id_and_a_hostile_user_agent_stays_inside_the_message() throws IOException {
        // As RequestLog quotes it: a client's id= and JSON stay inside the quoted user agent, after the real id.
        String ua = "\"x\\\" id=forged \\x0a{\\\"level\\\":\\\"ERROR\\\"}\"";
        JsonNode n = format("mkv.access", Level.INFO, "10.0.0.9 PUT /photos/cat.jpg 201 12.4ms in=5 out=0 id=req-1 ua=" + ua, null);
        assertThat(n.path("request_id").asText()).isEqualTo("req-1");
        assertThat(n.path("level").asText()).isEqualTo("INFO");
        assertThat(n.path("message").asText()).endsWith("ua=" + ua);
    }

    @Test
    void a_record_not_about_a_request_has_no_id_and_a_failure_has_its_trace_in_a_field() throws IOException {
        JsonNode n = format("mkv.app.Wiring", Level.SEVERE, "reload refused: \"volumes\" is empty\tsee the docs", new IllegalStateException("boom"));
        assertThat(n.path("level").asText()).isEqualTo("ERROR");
        assertThat(n.has("request_id")).isFalse();
        assertThat(n.path("message").asText()).isEqualTo("reload refused: \"volumes\" is empty\tsee the docs");
        assertThat(n.path("trace").asText()).startsWith("java.lang.IllegalStateException: boom").contains("\n\tat ");
    }

    @Test
    void the_format_setting_picks_the_formatter() {
        assertThat(Logs.formatter("json")).isInstanceOf(JsonLogLine.class);
        assertThat(Logs.formatter("text")).isInstanceOf(LogLine.class);
    }
}
