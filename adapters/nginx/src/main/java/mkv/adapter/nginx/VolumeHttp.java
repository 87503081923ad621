package mkv.adapter.nginx;

import io.vavr.control.Option;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpHead;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP exchanges mkv makes with volumes on pooled keep-alive connections, over Apache
 * HttpClient 5 (classic, blocking: mkv calls it from virtual threads, and its pool and connections
 * lock with {@code ReentrantLock}, never {@code synchronized}, so a call never pins its carrier).
 * It spent about two thirds of Helidon WebClient's CPU per exchange (PERFORMANCE.md, JMH).
 * Every wait is bounded: connecting by the connect timeout, each read by the read timeout. No
 * redirect is followed, no proxy or cookie consulted, and a request is sent again only in one
 * case ({@link #RETRY_ON_A_CLOSED_CONNECTION}). Failures are thrown as {@link IOException};
 * {@link VolumeFailures} turns them into values.
 */
final class VolumeHttp implements AutoCloseable {

    /** A status and the {@code Content-Length} it came with (-1: none). */
    record Head(int status, long length) {}

    /** Reads a response whose body streams: its status, length and body (never null; empty when there is none). */
    interface BodyReader<T> {
        T read(int status, long length, InputStream body) throws IOException;
    }

    private static final String REQUEST_ID = "X-Request-Id";

    /**
     * A request that met a connection closed without an answer ({@link NoHttpResponseException}:
     * nginx closed a pooled keep-alive connection, as it does at a reload or a stop) is sent once
     * more, on a new connection. Every request mkv makes is idempotent (a PUT of the same bytes to
     * the same path, a DELETE, a HEAD or a GET), so a second sending changes nothing if the first
     * one did reach nginx. The second sending's failure is the one reported: on a volume that was
     * stopped or killed, the connection refused, so its PUTs answer as for any volume that cannot
     * be reached (then 503 once the health checker sees it), not 409 until it returns. See
     * PHILOSOPHY.md ("Measured choices") for the one case this reports less than it could.
     */
    private static final HttpRequestRetryStrategy RETRY_ON_A_CLOSED_CONNECTION = new HttpRequestRetryStrategy() {
        @Override
        public boolean retryRequest(HttpRequest request, IOException failure, int execCount, HttpContext context) {
            return execCount == 1 && failure instanceof NoHttpResponseException;
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }

        @Override
        public TimeValue getRetryInterval(HttpRequest request, IOException failure, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    };


    private final CloseableHttpClient client;

    /**
     * {@code trust}: the context https volumes are verified with (their certificate against the CA,
     * and the host name); plain http when none.
     */
    VolumeHttp(Option<SSLContext> trust, Duration connectTimeout, Duration readTimeout, int connectionsPerVolume) {
        var pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(connectionsPerVolume)
                .setMaxConnTotal(connectionsPerVolume * 256)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(readTimeout))
                        // A connection idle for longer than this is checked before it is used (a 1 ms read):
                        // nginx closes idle keep-alive connections at a reload, a stop or its
                        // keepalive_timeout, and a request sent on one gets no answer. Under load a
                        // connection is reused long before, so the check costs nothing there.
                        .setValidateAfterInactivity(TimeValue.ofMilliseconds(100))
                        .build());
        trust.forEach(context -> pool.setTlsSocketStrategy(handshakeFailures(new DefaultClientTlsStrategy(context))));
        this.client = HttpClients.custom()
                .setConnectionManager(pool.build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(readTimeout))
                        .setConnectionRequestTimeout(Timeout.of(readTimeout))
                        // No 100-continue: nginx takes every body mkv sends, and the wait would cost a round trip.
                        .setExpectContinueEnabled(false)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .setRetryStrategy(RETRY_ON_A_CLOSED_CONNECTION)
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableConnectionState()
                .build();
    }

    /** PUT of a body held in memory; the status nginx answered. */
    int put(URI url, byte[] body, ContentType type, String requestId) throws IOException {
        HttpPut put = new HttpPut(url);
        put.setHeader(REQUEST_ID, requestId);
        put.setEntity(new ByteArrayEntity(body, type));
        return status(put);
    }

    /** DELETE; the status nginx answered. */
    int delete(URI url, String requestId) throws IOException {
        HttpDelete delete = new HttpDelete(url);
        delete.setHeader(REQUEST_ID, requestId);
        return status(delete);
    }

    /** HEAD: the status and {@code Content-Length}. */
    Head head(URI url) throws IOException {
        return client.execute(new HttpHead(url), response -> new Head(response.getCode(), length(response)));
    }

    /** What a GET of a small file gave: the status, and the body when the status is 200. */
    record Got(int status, Option<byte[]> body) {}

    /** GET whose body is read whole, as bytes, only when the status is 200; any other body is consumed, keeping the connection. */
    Got getBytes(URI url) throws IOException {
        return client.execute(new HttpGet(url), response -> {
            HttpEntity entity = response.getEntity();
            return response.getCode() == 200 && entity != null
                    ? new Got(200, Option.some(EntityUtils.toByteArray(entity)))
                    : new Got(response.getCode(), Option.none());
        });
    }

    /**
     * GET whose body {@code reader} streams. The connection goes back to the pool only when the
     * reader read the body to its end; otherwise it is closed, so a body left half-read (a copy
     * that failed, a listing that did not parse) never costs a read of the rest.
     */
    <T> T get(URI url, String requestId, BodyReader<T> reader) throws IOException {
        HttpGet get = new HttpGet(url);
        if (requestId != null) get.setHeader(REQUEST_ID, requestId);
        try (ClassicHttpResponse response = client.executeOpen(null, get, null)) {
            HttpEntity entity = response.getEntity();
            InputStream body = entity == null ? InputStream.nullInputStream() : entity.getContent();
            return reader.read(response.getCode(), length(response), body);
        }
    }

    private int status(HttpUriRequestBase request) throws IOException {
        return client.execute(request, response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }

    /**
     * Any TLS failure while the connection is being set up is a failed handshake (a certificate the
     * CA did not sign, or https spoken to a plain-http port): said so, since a handshake that
     * failed means no request reached the volume. A TLS connection that breaks later is not one.
     */
    private static TlsSocketStrategy handshakeFailures(TlsSocketStrategy tls) {
        return (socket, target, port, attachment, context) -> {
            try {
                return tls.upgrade(socket, target, port, attachment, context);
            } catch (javax.net.ssl.SSLHandshakeException e) {
                throw e;
            } catch (javax.net.ssl.SSLException e) {
                var handshake = new javax.net.ssl.SSLHandshakeException(e.getMessage());
                handshake.initCause(e);
                throw handshake;
            }
        };
    }

    private static long length(ClassicHttpResponse response) {
        Header h = response.getFirstHeader("Content-Length");
        if (h == null) return -1;
        try {
            return Long.parseLong(h.getValue().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Closes the pool's connections at once: {@code NginxVolumes} is closed only once no call can still use it. */
    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }
}
