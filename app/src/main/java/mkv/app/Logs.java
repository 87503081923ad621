package mkv.app;

import io.vavr.control.Option;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Applies the logging settings to the process's {@code java.util.logging}: {@code log-format}
 * (text, the default, leaves the handlers as logging.properties made them; json gives every handler
 * {@link JsonLogLine}) and {@code access-log-file} (the access log to that file alone, appended to,
 * one record per line in the same format).
 */
final class Logs {
    private Logs() {}

    /** Held strongly: java.util.logging keeps loggers weakly, and a collected logger would lose its handler. */
    private static final Logger ACCESS = Logger.getLogger("mkv.access");
    private static Handler accessFile;

    static Formatter formatter(String format) {
        return "json".equals(format) ? new JsonLogLine() : new LogLine();
    }

    /** Applies both settings; throws when the access log file cannot be opened for appending, having changed nothing. */
    static synchronized void apply(String format, Option<Path> accessLogFile) throws IOException {
        Handler file = null;
        if (accessLogFile.isDefined()) {
            OutputStream out = Files.newOutputStream(accessLogFile.get(), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            file = new StreamHandler(out, formatter(format)) {
                // Each line reaches the file as it is logged: a crash loses none, and tail -f sees it.
                @Override
                public synchronized void publish(LogRecord record) {
                    super.publish(record);
                    flush();
                }
            };
        }
        if ("json".equals(format)) {
            for (Handler h : Logger.getLogger("").getHandlers()) h.setFormatter(new JsonLogLine());
        }
        closeAccessFile();
        if (file != null) {
            ACCESS.addHandler(file);
            ACCESS.setUseParentHandlers(false);
            accessFile = file;
        }
    }

    /** Stops writing the access log file, if one is open; its lines go to the other handlers again. */
    static synchronized void closeAccessFile() {
        if (accessFile == null) return;
        ACCESS.removeHandler(accessFile);
        ACCESS.setUseParentHandlers(true);
        accessFile.close();
        accessFile = null;
    }
}
