package mkv.app;

import io.helidon.common.buffers.DataReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.SocketException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One log record per line (ISO time, level, logger, message), with a stack trace only when the
 * server itself failed: a client that hung up mid-request is one line naming that, not a trace.
 * Helidon logs such a connection (closed before its headers were complete, so never routed and
 * without a request id) as an "Internal server error" with a trace of its own code.
 */
public final class LogLine extends Formatter {
    // UTC with its offset written out: lines from several machines sort and compare as they are.
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder()
                .append(TIME.format(record.getInstant()))
                .append(' ').append(level(record.getLevel()))
                .append(' ').append(record.getLoggerName())
                .append(": ").append(formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            Throwable hangUp = clientHangUp(thrown);
            if (hangUp != null) {
                line.append(" (the client closed the connection mid-request: ").append(hangUp.getClass().getSimpleName())
                        .append(hangUp.getMessage() == null ? "" : " " + hangUp.getMessage()).append(')');
            } else {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            }
        }
        return line.append(System.lineSeparator()).toString();
    }

    /** The level in the words operators know from other servers: ERROR rather than SEVERE, DEBUG rather than FINE. */
    static String level(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) return "ERROR";
        if (v >= Level.WARNING.intValue()) return "WARNING";
        if (v >= Level.CONFIG.intValue()) return "INFO";
        if (v >= Level.FINE.intValue()) return "DEBUG";
        return "TRACE";
    }

    /** The cause that says the peer went away (end of stream, reset, broken pipe), or null. */
    static Throwable clientHangUp(Throwable thrown) {
        int depth = 0;
        for (Throwable t = thrown; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof DataReader.InsufficientDataAvailableException) return t;
            if (t instanceof SocketException && t.getMessage() != null
                    && (t.getMessage().contains("Connection reset") || t.getMessage().contains("Broken pipe"))) {
                return t;
            }
        }
        return null;
    }
}
