package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mkv behind a real nginx reverse proxy, configured as docs/OPERATIONS.md says, and as nginx ships. */
class ProxyIT {
    @TempDir
    static Path dir;
    static Cluster cluster;
    static ReverseProxy proxy;
    static ReverseProxy stock;
    static Http http;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(dir.resolve("cluster"), 2, 2);
        proxy = ReverseProxy.start(dir.resolve("proxy"), cluster.port, ReverseProxy.RECOMMENDED);
        stock = ReverseProxy.start(dir.resolve("stock"), cluster.port, ReverseProxy.STOCK);
        http = new Http(proxy.base());
    }

    @AfterAll
    static void stop() {
        if (stock != null) stock.close();
        if (proxy != null) proxy.close();
        if (cluster != null) cluster.close();
    }

    /** GET, then the redirect followed to the volume, as curl -L does. */
    static HttpResponse<byte[]> followed(String path) {
        HttpResponse<byte[]> r = http.get(path);
        assertThat(r.statusCode()).as("GET " + path + " through the proxy").isEqualTo(302);
        return Http.send(HttpRequest.newBuilder(URI.create(r.headers().firstValue("Location").orElseThrow())).GET());
    }

    @Test
    void put_get_and_delete_work_through_the_proxy_and_the_redirect_reaches_a_volume() {
        assertThat(http.put("/via/proxy%20key", "through nginx").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> redirect = http.get("/via/proxy%20key");
        assertThat(redirect.headers().firstValue("Location").orElseThrow()).startsWith("http://127.0.0.1:")
                .doesNotContain(":" + proxy.port + "/");
        assertThat(Http.text(followed("/via/proxy%20key"))).isEqualTo("through nginx");
        assertThat(http.delete("/via/proxy%20key").statusCode()).isEqualTo(204);
        assertThat(http.get("/via/proxy%20key").statusCode()).isEqualTo(404);
    }

    @Test
    void a_large_put_of_unknown_length_streams_through_without_nginx_buffering_it() throws Exception {
        long size = 48L * 1024 * 1024;
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        HttpRequest.Builder put = HttpRequest.newBuilder(http.uri("/via/large"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new Generated(size, md5)));
        assertThat(Http.send(put).statusCode()).isEqualTo(201);
        String sent = HexFormat.of().formatHex(md5.digest());
        HttpResponse<byte[]> read = followed("/via/large");
        assertThat(read.body()).hasSize((int) size);
        assertThat(Http.md5(read.body())).isEqualTo(sent);
        assertThat(proxy.errorLog()).doesNotContain("buffered to a temporary file");
    }

    @Test
    void a_stock_proxy_pass_speaks_http_1_0_and_mkv_answers_505() {
        HttpResponse<byte[]> r = new Http(stock.base()).get("/anything");
        assertThat(r.statusCode()).isEqualTo(505);
    }

    /** Pseudo-random bytes of a given size, digested as they are read. */
    static final class Generated extends InputStream {
        private final Random random = new Random(7);
        private final MessageDigest md5;
        private long left;

        Generated(long size, MessageDigest md5) {
            this.left = size;
            this.md5 = md5;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            byte[] chunk = new byte[n];
            random.nextBytes(chunk);
            System.arraycopy(chunk, 0, b, off, n);
            md5.update(chunk);
            left -= n;
            return n;
        }
    }
}
