package mkv.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A plain HTTP client for the tests: never follows redirects, so each hop can be checked. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final String base;
    private final HttpClient client;

    Http(String base) {
        this(base, CLIENT);
    }

    /** Calls {@code base} with a client of the caller's, e.g. one that trusts a test CA. */
    Http(String base, HttpClient client) {
        this.base = base;
        this.client = client;
    }

    /** A client like the plain one that trusts only the CA certificate in {@code caPem} for https. */
    static HttpClient trusting(java.nio.file.Path caPem) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5))
                .sslContext(sslContext(caPem)).build();
    }

    /** TLS that trusts only the CA certificate in {@code caPem}. */
    static javax.net.ssl.SSLContext sslContext(java.nio.file.Path caPem) {
        try (var in = java.nio.file.Files.newInputStream(caPem)) {
            var ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            var store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            var trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The serial number of the certificate the server on the loopback {@code port} presents to a
     * new connection, checked against {@code caPem}.
     */
    static java.math.BigInteger servedSerial(int port, java.nio.file.Path caPem) {
        try (var socket = (javax.net.ssl.SSLSocket) sslContext(caPem).getSocketFactory().createSocket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Percent-encodes a key into a raw path: every byte but unreserved characters and '/'. */
    static String enc(String key) {
        StringBuilder sb = new StringBuilder();
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~/".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    HttpResponse<byte[]> put(String rawPath, byte[] body) {
        return send(client, HttpRequest.newBuilder(uri(rawPath)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    HttpResponse<byte[]> put(String rawPath, String body) {
        return put(rawPath, body.getBytes(StandardCharsets.UTF_8));
    }

    /** A PUT with one extra header, e.g. If-Match. */
    HttpResponse<byte[]> put(String rawPath, byte[] body, String header, String value) {
        return send(client, HttpRequest.newBuilder(uri(rawPath)).header(header, value).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    HttpResponse<byte[]> put(String rawPath, String body, String header, String value) {
        return put(rawPath, body.getBytes(StandardCharsets.UTF_8), header, value);
    }

    HttpResponse<byte[]> get(String rawPath) {
        return send(client, HttpRequest.newBuilder(uri(rawPath)).GET());
    }

    HttpResponse<byte[]> head(String rawPath) {
        return send(client, HttpRequest.newBuilder(uri(rawPath)).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<byte[]> delete(String rawPath) {
        return send(client, HttpRequest.newBuilder(uri(rawPath)).DELETE());
    }

    HttpResponse<byte[]> unlink(String rawPath) {
        return send(client, HttpRequest.newBuilder(uri(rawPath)).method("UNLINK", HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<byte[]> method(String method, String rawPath) {
        return send(client, HttpRequest.newBuilder(uri(rawPath)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    /** GET the key, then follow the redirect to the volume: the value as a client would read it. */
    HttpResponse<byte[]> read(String rawPath) {
        HttpResponse<byte[]> redirect = get(rawPath);
        if (redirect.statusCode() != 302) return redirect;
        String location = redirect.headers().firstValue("Location").orElseThrow();
        return send(client, HttpRequest.newBuilder(URI.create(location)).GET());
    }

    /** Sends with the plain client. */
    static HttpResponse<byte[]> send(HttpRequest.Builder request) {
        return send(CLIENT, request);
    }

    /** Sends with this one's client (e.g. to a URL an answer gave, such as a redirect). */
    HttpResponse<byte[]> call(HttpRequest.Builder request) {
        return send(client, request);
    }

    private static HttpResponse<byte[]> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String rawPath) {
        return URI.create(base + rawPath);
    }

    /** The hex md5 of a value, as Content-Md5 gives it. */
    static String md5(byte[] b) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
