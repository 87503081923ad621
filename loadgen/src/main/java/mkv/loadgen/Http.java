package mkv.loadgen;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 keep-alive connection, blocking, for one worker thread. Just enough of the
 * protocol for a load generator: a request with an optional body of known length, and the
 * answer's status and Location with its body read and discarded (Content-Length, chunked, or
 * up to the close). Measured here: {@code java.net.http.HttpClient} managed about 1k requests/s
 * against nginx from 16 threads on 2 cores, far below what the servers under test answer.
 */
final class Http implements AutoCloseable {

    /** A status and, for redirects, the Location header. */
    record Answer(int status, String location) {}

    /** Writes a request body of a known length. */
    interface Body {
        long length();

        void writeTo(OutputStream out) throws IOException;
    }

    private final String hostHeader;
    private final String extraHeaders;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] skip = new byte[64 * 1024];
    private boolean open = true;

    Http(String host, int port, Duration timeout) throws IOException {
        this(host, port, timeout, "");
    }

    /** {@code extraHeaders}: whole header lines, each ending in CRLF, sent with every request (a bearer token). */
    Http(String host, int port, Duration timeout, String extraHeaders) throws IOException {
        this.hostHeader = host + ":" + port;
        this.extraHeaders = extraHeaders;
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            socket.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Whether the server left the connection open for another request. */
    boolean isOpen() {
        return open;
    }

    /** Sends one request and reads the whole answer. {@code pathAndQuery} is sent as is. */
    Answer exchange(String method, String pathAndQuery, Body body) throws IOException {
        var head = new StringBuilder(128).append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\nHost: ")
                .append(hostHeader).append("\r\n").append(extraHeaders);
        if (body != null) head.append("Content-Length: ").append(body.length()).append("\r\n");
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) body.writeTo(out);
        out.flush();
        return readAnswer(method.equals("HEAD"));
    }

    private Answer readAnswer(boolean head) throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.") || status.length() < 12) throw new IOException("not an HTTP/1.x status line: " + status);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        String location = null;
        boolean close = status.startsWith("HTTP/1.0");
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
            else if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.equalsIgnoreCase("chunked");
            else if (name.equalsIgnoreCase("Location")) location = value;
            else if (name.equalsIgnoreCase("Connection")) close = value.equalsIgnoreCase("close");
        }
        if (head || code == 204 || code == 304 || code / 100 == 1) {
            // no body
        } else if (chunked) {
            for (long n = chunkSize(); n > 0; n = chunkSize()) {
                discard(n);
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) { /* trailers are ignored */ }
        } else if (length >= 0) {
            discard(length);
        } else {
            while (in.read(skip) >= 0) { /* the body runs to the close */ }
            close = true;
        }
        if (close) close();
        return new Answer(code, location);
    }

    private long chunkSize() throws IOException {
        String l = line();
        int semi = l.indexOf(';');
        return Long.parseLong((semi < 0 ? l : l.substring(0, semi)).trim(), 16);
    }

    private void discard(long n) throws IOException {
        while (n > 0) {
            int r = in.read(skip, 0, (int) Math.min(skip.length, n));
            if (r < 0) throw new EOFException("the answer's body ended " + n + " bytes early");
            n -= r;
        }
    }

    private String line() throws IOException {
        var s = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("the connection closed mid-answer");
            if (c == '\n') break;
            if (c != '\r') s.append((char) c);
        }
        return s.toString();
    }

    @Override
    public void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }
}
