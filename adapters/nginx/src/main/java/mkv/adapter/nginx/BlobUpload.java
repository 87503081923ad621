package mkv.adapter.nginx;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderName;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import mkv.domain.Replica;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;

/**
 * One target of a fan-out write: a bounded queue of chunks, drained by one virtual thread that
 * streams them into a PUT. The feeder never waits on a target longer than the read timeout; a
 * target that takes nothing for that long is cut off (its socket closed) and reported timed out.
 *
 * <p>The PUT runs on a connection this class opens and always closes itself, instead of one from
 * Helidon's pool: an upload that is abandoned mid-body must close its socket (so nginx drops the
 * partial temp file and nothing half-written is ever reused), and Helidon's pool offers no way to
 * close a connection whose request handler threw. nginx only renames the temp file into place once
 * the whole body arrived, so an abandoned upload never leaves a blob behind.
 */
final class BlobUpload {

    /** A slice of the body; shared read-only by every target. */
    record Chunk(byte[] bytes, int length) {}

    private static final Tls NO_TLS = Tls.builder().enabled(false).build();
    private static final Chunk END = new Chunk(new byte[0], 0);
    private static final Chunk ABANDON = new Chunk(new byte[0], 0);

    private final WebClient client;
    private final Replica replica;
    private final String url;
    private final long expected;
    private final HeaderName requestIdHeader;
    private final String requestId;
    private final Duration readTimeout;
    private final ArrayBlockingQueue<Chunk> queue;
    private final Thread thread;

    private volatile TcpClientConnection connection;
    private volatile boolean abandoned;
    private volatile boolean stalled;
    private volatile boolean finished;
    private volatile boolean bodySent;
    private volatile long written;
    private volatile Transfer outcome;

    private BlobUpload(WebClient client, Replica replica, String url, long expected, HeaderName requestIdHeader,
                       String requestId, Duration readTimeout, int queueChunks) {
        this.client = client;
        this.replica = replica;
        this.url = url;
        this.expected = expected;
        this.requestIdHeader = requestIdHeader;
        this.requestId = requestId;
        this.readTimeout = readTimeout;
        this.queue = new ArrayBlockingQueue<>(queueChunks);
        this.thread = Thread.ofVirtual().name("mkv-put-" + replica).unstarted(this::run);
    }

    /** Starts the PUT of a body of {@code expected} bytes (-1: chunked) on its own virtual thread. */
    static BlobUpload start(WebClient client, Replica replica, String url, long expected, HeaderName requestIdHeader,
                            String requestId, Duration readTimeout, int queueChunks) {
        var upload = new BlobUpload(client, replica, url, expected, requestIdHeader, requestId, readTimeout, queueChunks);
        upload.thread.start();
        return upload;
    }

    /** Hands a chunk over; false when this target takes no more (it failed, or stalled for the read timeout). */
    boolean offer(Chunk chunk) throws InterruptedException {
        if (finished || stalled || abandoned) return false;
        if (queue.offer(chunk, readTimeout.toNanos(), TimeUnit.NANOSECONDS)) return true;
        if (!finished) stall();
        return false;
    }

    /** The body is complete: finish the PUT and read nginx's answer. */
    void finish() throws InterruptedException {
        offer(END);
    }

    /** The client's body broke off: cut the upload off so nginx discards the partial file. */
    void abandon() {
        abandoned = true;
        cutOff();
    }

    /**
     * Waits for the outcome. The thread's own socket read timeout normally ends a silent volume;
     * as a backstop, an upload that makes no progress for two read timeouts is cut off.
     */
    Transfer await() throws InterruptedException {
        long lastWritten = -1;
        while (true) {
            thread.join(readTimeout.multipliedBy(2));
            if (!thread.isAlive()) return outcome;
            if (stalled && written == lastWritten) {
                return new Transfer.Failed(replica, new VolumeFailure.TimedOut("no answer after the connection was closed"));
            }
            if (written == lastWritten) stall();
            lastWritten = written;
        }
    }

    private void stall() {
        stalled = true;
        cutOff();
    }

    // Closing the socket unblocks a thread stuck writing to a volume that stopped reading.
    private void cutOff() {
        TcpClientConnection c = connection;
        if (c != null) c.closeResource();
        queue.clear();
        queue.offer(ABANDON);
    }

    private void run() {
        try {
            TcpClientConnection c = connect();
            connection = c;
            if (stalled || abandoned) c.closeResource();
            var request = client.put().uri(java.net.URI.create(url)).connection(c).header(requestIdHeader, requestId);
            if (expected >= 0) request.headers(h -> h.contentLength(expected));
            try (HttpClientResponse response = request.outputStream(this::pump)) {
                int status = response.status().code();
                outcome = status == 201 || status == 204
                        ? new Transfer.Done(replica)
                        : new Transfer.Failed(replica, new VolumeFailure.Refused(status));
            }
        } catch (Throwable e) {
            outcome = new Transfer.Failed(replica, failure(e));
        } finally {
            finished = true;
            TcpClientConnection c = connection;
            if (c != null) c.closeResource();
            queue.clear();
        }
    }

    private VolumeFailure failure(Throwable e) {
        if (abandoned) return new VolumeFailure.ShortWrite(expected, written);
        if (stalled) return new VolumeFailure.TimedOut("the volume took no bytes for " + readTimeout);
        return VolumeFailures.ofUpload(e, expected, written, bodySent);
    }

    private TcpClientConnection connect() {
        var uri = ClientUri.create(URI.create(url));
        var config = client.prototype();
        boolean https = "https".equals(uri.scheme());
        var key = ConnectionKey.create(uri.scheme(), uri.host(), uri.port(), https ? config.tls() : NO_TLS, config.dnsResolver(),
                config.dnsAddressLookup(), Proxy.noProxy());
        // release → false: the connection closes when the response does; it is never pooled.
        return TcpClientConnection.create(client, key, List.of(), ignored -> false, ignored -> {}).connect();
    }

    private void pump(OutputStream out) throws IOException {
        try {
            while (true) {
                Chunk chunk = queue.poll(readTimeout.toNanos(), TimeUnit.NANOSECONDS);
                if (chunk == null) {
                    if (abandoned || stalled) throw new IOException("upload abandoned");
                    continue; // the client is slow: its own read timeout will end the body
                }
                if (chunk == ABANDON) throw new IOException("upload abandoned");
                if (chunk == END) {
                    out.close();
                    bodySent = true;
                    return;
                }
                out.write(chunk.bytes(), 0, chunk.length());
                written += chunk.length();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("upload interrupted");
        }
    }
}
