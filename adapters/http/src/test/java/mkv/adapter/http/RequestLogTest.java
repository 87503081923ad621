package mkv.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A client's text in the access log stays one field on one line, however hostile. */
class RequestLogTest {
    @Test
    void quotes_backslashes_and_control_characters_are_escaped() {
        assertThat(RequestLog.quoted("curl/7.88.1")).isEqualTo("\"curl/7.88.1\"");
        assertThat(RequestLog.quoted("a \"b\" \\ c")).isEqualTo("\"a \\\"b\\\" \\\\ c\"");
        assertThat(RequestLog.quoted("x\ny\u0000")).isEqualTo("\"x\\x0ay\\x00\"").doesNotContain("\n");
    }
}
