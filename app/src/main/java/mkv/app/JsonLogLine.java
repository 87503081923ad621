package mkv.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One log record as one JSON object on one line ({@code log-format: json}): {@code time} (UTC),
 * {@code level}, {@code logger}, {@code message}, and {@code request_id} when the record is about a
 * request. A stack trace, when the server itself failed, goes in {@code trace}; a client that hung
 * up is a note in the message, as in {@link LogLine}.
 */
public final class JsonLogLine extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    // mkv names the request a record is about in one of two places: a warning starts with
    // "request ID: ", an access-log line carries " id=ID ". Ids are 1-128 of [A-Za-z0-9._:-].
    private static final Pattern ABOUT_REQUEST = Pattern.compile("^request ([A-Za-z0-9._:-]{1,128}): ");
    private static final Pattern ACCESS_ID = Pattern.compile(" id=([A-Za-z0-9._:-]{1,128}) ");

    @Override
    public String format(LogRecord record) {
        String message = formatMessage(record);
        Throwable thrown = record.getThrown();
        String trace = null;
        if (thrown != null) {
            Throwable hangUp = LogLine.clientHangUp(thrown);
            if (hangUp != null) {
                message += " (the client closed the connection mid-request: " + hangUp.getClass().getSimpleName()
                        + (hangUp.getMessage() == null ? "" : " " + hangUp.getMessage()) + ")";
            } else {
                StringWriter text = new StringWriter();
                thrown.printStackTrace(new PrintWriter(text));
                trace = text.toString().stripTrailing();
            }
        }
        StringBuilder json = new StringBuilder(message.length() + 128).append('{');
        field(json, "time", TIME.format(record.getInstant())).append(',');
        field(json, "level", LogLine.level(record.getLevel())).append(',');
        field(json, "logger", record.getLoggerName() == null ? "" : record.getLoggerName()).append(',');
        field(json, "message", message);
        String id = requestId(record.getLoggerName(), message);
        if (id != null) field(json.append(','), "request_id", id);
        if (trace != null) field(json.append(','), "trace", trace);
        return json.append('}').append(System.lineSeparator()).toString();
    }

    /** The request a message is about, by mkv's conventions, or null. */
    static String requestId(String logger, String message) {
        Matcher m = ("mkv.access".equals(logger) ? ACCESS_ID : ABOUT_REQUEST).matcher(message);
        return m.find() ? m.group(1) : null;
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) json.append(String.format("\\u%04x", (int) c));
                    else json.append(c);
                }
            }
        }
        return json.append('"');
    }
}
