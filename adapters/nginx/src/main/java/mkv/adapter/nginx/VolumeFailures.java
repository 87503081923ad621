package mkv.adapter.nginx;

import io.helidon.common.buffers.DataReader;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import mkv.domain.VolumeFailure;

/**
 * Pure. Turns what a volume client threw into a failure value. Helidon wraps socket errors in
 * {@link java.io.UncheckedIOException} (and unknown hosts in its own runtime exception), so the
 * whole cause chain is searched, not just the outer type; Apache HttpClient throws them as they
 * are, but for its connect timeout, which is its own kind of {@link java.io.InterruptedIOException}.
 */
final class VolumeFailures {
    private VolumeFailures() {}

    /** What Helidon's client throws, around the cause, when a TLS handshake fails. */
    private static final String HANDSHAKE_FAILED = "Failed to execute SSL handshake";

    /** The failure of a call without a streamed body. */
    static VolumeFailure of(Throwable thrown) {
        VolumeFailure known = classify(thrown);
        return known != null ? known : new VolumeFailure.Lost(describe(thrown));
    }

    /**
     * The failure of an upload: a connection that broke before the whole body was handed over
     * is a short write ({@code expected} is -1 when chunked); after it, a lost connection.
     */
    static VolumeFailure ofUpload(Throwable thrown, long expected, long written, boolean bodySent) {
        VolumeFailure known = classify(thrown);
        if (known != null) return known;
        return bodySent ? of(thrown) : new VolumeFailure.ShortWrite(expected, written);
    }

    private static VolumeFailure classify(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t.getClass().getSimpleName().equals("RuntimeUnknownHostException")) {
                return new VolumeFailure.Unreachable(describe(t));
            }
            // No request reaches a volume whose TLS handshake failed (an untrusted certificate, or
            // https spoken to a plain-http port): unreachable, so nothing needs rolling back there.
            // Only the handshake: a TLS connection that breaks later is lost like any other.
            if (t instanceof javax.net.ssl.SSLHandshakeException || HANDSHAKE_FAILED.equals(t.getMessage())) {
                Throwable why = t.getCause() != null && t.getCause() != t ? t.getCause() : t;
                return new VolumeFailure.Unreachable("TLS handshake failed: " + describe(why));
            }
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || t instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
                return new VolumeFailure.TimedOut(describe(t));
            }
            if (t.getCause() == t) break;
        }
        return null;
    }

    /**
     * Why the client's body broke off, in words: Helidon's server reports a client that hung up
     * mid-body as an InsufficientDataAvailableException without a message, and one that reset the
     * connection as a ServerConnectionException caused by "Connection reset".
     */
    static String describeBody(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataReader.InsufficientDataAvailableException) return "the client closed the connection";
            if (t instanceof java.net.SocketException && String.valueOf(t.getMessage()).contains("Connection reset")) {
                return "the client reset the connection";
            }
        }
        return describe(thrown);
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
