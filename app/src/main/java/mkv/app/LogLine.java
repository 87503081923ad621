package mkv.app;

import io.helidon.common.buffers.DataReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.SocketException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One log record per line (ISO time, level, logger, message), with a stack trace only when the
 * server itself failed: a client that hung up mid-request is one line naming that, not a trace.
 * Helidon logs such a connection (closed before its headers were complete, so never routed and
 * without a request id) as an "Internal server error" with a trace of its own code.
 */
public final class LogLine extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder()
                .append(TIME.format(LocalDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault())))
                .append(' ').append(record.getLevel().getName())
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
