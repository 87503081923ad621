package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.common.buffers.DataReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.time.Instant;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The log format: one line per record, and a stack trace only for a fault of the server. */
class LogLineTest {
    private static final LogLine FORMAT = new LogLine();

    private static LogRecord record(Level level, String message, Throwable thrown) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("io.helidon.webserver.http1.Http1Connection");
        r.setInstant(Instant.parse("2026-11-30T12:00:00.123Z"));
        r.setThrown(thrown);
        return r;
    }

    @Test
    void a_record_is_one_line_with_time_level_logger_and_message() {
        LogRecord r = record(Level.INFO, "listening on {0}", null);
        r.setParameters(new Object[] {"127.0.0.1:3000"});

        String line = FORMAT.format(r);

        assertThat(line).isEqualTo("2026-11-30T12:00:00.123Z INFO io.helidon.webserver.http1.Http1Connection: listening on 127.0.0.1:3000"
                + System.lineSeparator());
    }

    @Test
    void the_time_is_utc_with_its_offset_whatever_the_machine_zone() {
        java.util.TimeZone before = java.util.TimeZone.getDefault();
        try {
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Asia/Kolkata"));
            assertThat(FORMAT.format(record(Level.INFO, "x", null))).startsWith("2026-11-30T12:00:00.123Z ");
        } finally {
            java.util.TimeZone.setDefault(before);
        }
    }

    @Test
    void levels_are_named_as_people_read_them() {
        assertThat(FORMAT.format(record(Level.SEVERE, "x", null))).contains(" ERROR ").doesNotContain("SEVERE");
        assertThat(LogLine.level(Level.WARNING)).isEqualTo("WARNING");
        assertThat(LogLine.level(Level.INFO)).isEqualTo("INFO");
        assertThat(LogLine.level(Level.CONFIG)).isEqualTo("INFO");
        assertThat(LogLine.level(Level.FINE)).isEqualTo("DEBUG");
        assertThat(LogLine.level(Level.FINEST)).isEqualTo("TRACE");
    }

    @Test
    void a_client_that_hung_up_mid_request_is_one_line_without_a_stack_trace() {
        // What Helidon logs when a client closes its connection before its headers are complete.
        Throwable hungUp = new RuntimeException("Internal error", new DataReader.InsufficientDataAvailableException());
        Throwable reset = new UncheckedIOException(new SocketException("Connection reset"));
        Throwable brokenPipe = new IllegalStateException("write failed", new UncheckedIOException(new SocketException("Broken pipe")));

        for (Throwable t : new Throwable[] {hungUp, reset, brokenPipe}) {
            String line = FORMAT.format(record(Level.WARNING, "Internal server error", t));
            assertThat(line.lines()).as(t.toString()).hasSize(1);
            assertThat(line).doesNotContain("\tat ").contains("WARNING").contains("the client closed the connection mid-request");
        }
    }

    @Test
    void a_fault_of_the_server_keeps_its_stack_trace_once() {
        Throwable bug = new IllegalStateException("routing failed", new NullPointerException("entry was null"));

        String text = FORMAT.format(record(Level.WARNING, "Internal server error", bug));

        assertThat(text.lines().findFirst().orElseThrow()).endsWith("Internal server error");
        assertThat(text).contains("\tat ").contains("Caused by: java.lang.NullPointerException: entry was null");
        assertThat(text.split("java.lang.IllegalStateException: routing failed", -1)).hasSize(2);
        // Neither an unrelated socket error nor an IOException counts as a client hang-up.
        assertThat(FORMAT.format(record(Level.WARNING, "x", new UncheckedIOException(new SocketException("Network is unreachable")))))
                .contains("\tat ");
        assertThat(FORMAT.format(record(Level.WARNING, "x", new IOException("disk full")))).contains("\tat ");
    }

    @Test
    void the_bundled_logging_properties_use_this_format() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
            p.load(in);
        }
        assertThat(p.getProperty("java.util.logging.ConsoleHandler.formatter")).isEqualTo(LogLine.class.getName());
        assertThat(p.getProperty("handlers")).isEqualTo("java.util.logging.ConsoleHandler");
    }
}
