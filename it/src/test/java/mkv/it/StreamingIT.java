package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A value far larger than the coordinator's heap passes through it: the PUT is streamed. */
class StreamingIT {
    @TempDir
    Path dir;

    static final long SIZE = 256L * 1024 * 1024;

    /** Deterministic bytes, generated on the fly, so the test holds none of them. */
    static final class Pattern extends InputStream {
        private long left;
        private long i;

        Pattern(long size) {
            left = size;
        }

        @Override
        public int read() {
            if (left == 0) return -1;
            left--;
            return (int) ((i++ * 31 + 7) & 0xff);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) return -1;
            int n = (int) Math.min(len, left);
            for (int k = 0; k < n; k++) b[off + k] = (byte) ((i++ * 31 + 7) & 0xff);
            left -= n;
            return n;
        }
    }

    static String md5Of(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void a_256_mib_value_passes_through_a_coordinator_with_a_64_mib_heap() throws Exception {
        try (Cluster cluster = Cluster.startWithHeap(dir, 3, 3, "64m")) {
            String expected = md5Of(new Pattern(SIZE));
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            HttpRequest put = HttpRequest.newBuilder(URI.create(cluster.base() + "/stream/256m"))
                    .timeout(Duration.ofMinutes(5))
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> new Pattern(SIZE)), SIZE))
                    .build();
            HttpResponse<String> created = client.send(put, HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body() + "\n" + cluster.log()).isEqualTo(201);
            assertThat(created.headers().firstValue("Content-Md5")).contains(expected);

            HttpResponse<String> redirect = client.send(HttpRequest.newBuilder(URI.create(cluster.base() + "/stream/256m")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(redirect.statusCode()).isEqualTo(302);
            HttpResponse<InputStream> value = client.send(
                    HttpRequest.newBuilder(URI.create(redirect.headers().firstValue("Location").orElseThrow())).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = value.body()) {
                assertThat(md5Of(in)).isEqualTo(expected);
            }
            assertThat(cluster.log()).doesNotContain("OutOfMemoryError");
        }
    }
}
