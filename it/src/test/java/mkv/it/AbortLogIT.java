package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Clients that hang up mid-request cost one log line each, naming the request, never a stack trace. */
class AbortLogIT {
    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void puts_aborted_mid_body_log_one_warning_line_each_naming_the_request_and_no_stack_trace() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        int from = cluster.log().length();
        int aborted = 20;

        // Every body shape (read whole, streamed, chunked), half closed and half reset.
        for (int i = 0; i < aborted; i++) abortMidBody(i, Shape.values()[i % 3], i % 2 == 1);
        Ports.await("every aborted PUT to be rolled back and logged", Duration.ofSeconds(60),
                () -> lines(from).stream().filter(l -> l.contains(" rolled back: ")).count() >= aborted);
        // Connections closed before their headers were complete: never routed, so no request id.
        for (int i = 0; i < 5; i++) closeMidHeaders(i);
        Ports.await("the five half-sent requests to be logged", Duration.ofSeconds(30),
                () -> lines(from).stream().filter(l -> l.contains("the client closed the connection mid-request")).count() >= 5);

        List<String> lines = lines(from);
        assertThat(lines).as("stack frames in the log").noneMatch(l -> l.contains("\tat ") || l.startsWith("Caused by"));
        assertThat(lines).filteredOn(l -> l.contains(" WARNING ")).as("one WARNING per aborted request").hasSize(aborted + 5);
        for (int i = 0; i < aborted; i++) {
            String id = "request abort-" + i + ": ";
            assertThat(lines).filteredOn(l -> l.contains(id)).as(id).hasSize(1).allMatch(l -> l.contains(" WARNING "));
        }
        // Nothing was left behind: every key is writable at once.
        Http http = new Http(cluster.base());
        for (int i = 0; i < aborted; i++) {
            assertThat(cluster.hasFiles(key(i))).as(key(i)).isFalse();
            assertThat(http.put(key(i), "whole").statusCode()).as(key(i)).isEqualTo(201);
        }
    }

    private enum Shape { SMALL, LARGE, CHUNKED }

    private static String key(int i) {
        return "/aborted/" + i;
    }

    private List<String> lines(int from) {
        return cluster.log().substring(from).lines().toList();
    }

    /**
     * Sends a PUT's headers with Expect: 100-continue and waits for the 100, so the handler is
     * reading the body, then sends part of the body and closes (FIN) or resets (RST) the connection.
     */
    private void abortMidBody(int i, Shape shape, boolean reset) throws IOException {
        String framing = switch (shape) {
            case SMALL -> "Content-Length: 1000\r\n";
            case LARGE -> "Content-Length: 5000000\r\n";
            case CHUNKED -> "Transfer-Encoding: chunked\r\n";
        };
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", cluster.port), 2000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT " + key(i) + " HTTP/1.1\r\nHost: x\r\nX-Request-Id: abort-" + i + "\r\nExpect: 100-continue\r\n" + framing + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            assertThat(readHead(s.getInputStream())).as("the answer to the headers of " + key(i)).startsWith("HTTP/1.1 100");
            switch (shape) {
                case SMALL -> out.write(new byte[500]);
                case LARGE -> out.write(new byte[1 << 20]);
                case CHUNKED -> {
                    out.write("10000\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.write(new byte[1 << 16]);
                    out.write("\r\n10000\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.write(new byte[1000]);
                }
            }
            out.flush();
            if (reset) s.setSoLinger(true, 0);
        }
    }

    private void closeMidHeaders(int i) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", cluster.port), 2000);
            s.getOutputStream().write(("PUT /half/" + i + " HTTP/1.1\r\nHost: x\r\nContent-Le").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
