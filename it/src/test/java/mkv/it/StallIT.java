package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers that stall instead of failing: a volume that hangs (SIGSTOP of its nginx) and a client
 * that trickles its body or falls silent. Neither may hold requests or keys for long, and
 * what they leave is rolled back.
 */
class StallIT {
    @TempDir
    Path dir;
    Cluster cluster;
    Http http;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void a_hung_volume_gets_no_reads_after_one_missed_probe_and_a_put_on_it_fails_within_one_read_timeout() throws Exception {
        // The health settings at their defaults (the cluster's own are faster), the read timeout shortened.
        cluster = Cluster.start(dir, 3, 2, "--health-interval", "1s", "--health-timeout", "1s", "--health-failures", "2",
                "--health-successes", "1", "--read-timeout", "5s", "--recovery-grace", "2s");
        http = new Http(cluster.base());
        List<String> onHung = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (int i = 0; onHung.size() < 10 || fresh.size() < 2; i++) {
            String k = "/stall/" + i;
            if (cluster.placement(k).stream().noneMatch(r -> r.volume().equals(cluster.volume(0)))) continue;
            if (onHung.size() < 10) {
                assertThat(http.put(k, "v" + i).statusCode()).isEqualTo(201);
                onHung.add(k);
            } else {
                fresh.add(k);
            }
        }
        String hung = ":" + cluster.volumePorts.get(0) + "/";
        String hungVolume = "127.0.0.1" + hung.substring(0, hung.length() - 1);

        cluster.signalVolume(0, "STOP");
        Instant stopped = Instant.now();
        try {
            Http other = new Http(cluster.base());
            CompletableFuture<Integer> put = CompletableFuture.supplyAsync(() -> other.put(fresh.get(0), "never").statusCode());

            // Reads leave the hung volume after its first missed probe (interval + probe timeout, ~2 s),
            // not after health-failures probes that each wait out a read timeout.
            Ports.await("reads to avoid the hung volume", Duration.ofSeconds(30),
                    () -> onHung.stream().noneMatch(key -> http.get(key).headers().firstValue("Location").orElse("").contains(hung)));
            Duration readsMoved = Duration.between(stopped, Instant.now());
            for (String key : onHung) assertThat(Http.text(http.read(key))).isEqualTo("v" + key.substring("/stall/".length()));

            // The PUT placed on it fails within one read timeout: its rollback does not wait on the hung volume again.
            int status = put.get(60, TimeUnit.SECONDS);
            Duration putFailed = Duration.between(stopped, Instant.now());
            System.out.printf("StallIT: reads left the hung volume after %d ms; the PUT on it answered %d after %d ms%n",
                    readsMoved.toMillis(), status, putFailed.toMillis());
            assertThat(readsMoved).isLessThan(Duration.ofSeconds(5));
            assertThat(status).isEqualTo(502);
            assertThat(putFailed).isLessThan(Duration.ofSeconds(8));

            // Once health-failures probes in a row have failed, PUTs placed on it are refused up front.
            Ports.await("the checker to mark the volume down", Duration.ofSeconds(30),
                    () -> cluster.log().contains("volume " + hungVolume + " is now down"));
            Instant refused = Instant.now();
            assertThat(http.put(fresh.get(1), "never").statusCode()).isEqualTo(503);
            assertThat(Duration.between(refused, Instant.now())).isLessThan(Duration.ofSeconds(2));
        } finally {
            cluster.signalVolume(0, "CONT");
        }
        // The failed PUT never turns live; recovery removes what it left on the hung volume and frees the key.
        Ports.await("recovery to settle the failed PUT", Duration.ofSeconds(30),
                () -> !cluster.hasFiles(fresh.get(0)) && http.put(fresh.get(0), "now").statusCode() == 201);
        assertThat(Http.text(http.read(fresh.get(0)))).isEqualTo("now");
        assertThat(http.get(fresh.get(1)).statusCode()).isEqualTo(404);
    }

    @Test
    void a_body_trickled_a_byte_every_two_seconds_is_answered_408_within_the_window_and_rolled_back() throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--body-min-rate", "100", "--body-rate-window", "3s");
        http = new Http(cluster.base());
        String key = "/slow/trickle";
        String answer = null;
        Instant start = Instant.now();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", cluster.port), 2000);
            s.setSoTimeout(2000); // the trickle's pace: one byte, then two seconds listening for an answer
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("PUT " + key + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] buffer = new byte[4096];
            while (answer == null && Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(60)) < 0) {
                out.write('x');
                out.flush();
                try {
                    int n = in.read(buffer);
                    answer = n < 0 ? "closed without an answer" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                } catch (SocketTimeoutException e) {
                    // no answer yet: send the next byte
                }
            }
        }
        Duration answered = Duration.between(start, Instant.now());
        System.out.printf("StallIT: the trickled PUT was answered after %d ms: %s%n", answered.toMillis(),
                answer == null ? "nothing" : answer.lines().findFirst().orElse(""));
        assertThat(answer).startsWith("HTTP/1.1 408").contains("too slowly");
        assertThat(answered).isLessThan(Duration.ofSeconds(15)); // the 3 s window, a byte's pace and slack

        Ports.await("the trickled PUT to be rolled back", Duration.ofSeconds(30),
                () -> !cluster.hasFiles(key) && http.put(key, "whole").statusCode() == 201);
        assertThat(Http.text(http.read(key))).isEqualTo("whole");

        // The same limit never stands in the way of a body that arrives at any real speed.
        byte[] big = new byte[20 * 1024 * 1024];
        new java.util.Random(1).nextBytes(big);
        assertThat(http.put("/slow/fast", big).statusCode()).isEqualTo(201);
        assertThat(Http.md5(http.read("/slow/fast").body())).isEqualTo(Http.md5(big));
        assertThat(cluster.filesOnVolumes()).hasSize(8);
    }

    @Test
    void a_body_that_falls_silent_has_its_connection_closed_within_the_window_and_is_rolled_back() throws Exception {
        cluster = Cluster.start(dir, 3, 2, "--body-min-rate", "100", "--body-rate-window", "3s");
        http = new Http(cluster.base());
        String key = "/slow/silent";
        Instant start = Instant.now();
        String outcome;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", cluster.port), 2000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT " + key + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            try {
                int n = s.getInputStream().read(new byte[4096]);
                outcome = n < 0 ? "closed" : "answered";
            } catch (SocketTimeoutException e) {
                outcome = "still open after 60 s";
            } catch (IOException e) {
                outcome = "closed"; // reset
            }
        }
        Duration closed = Duration.between(start, Instant.now());
        System.out.printf("StallIT: the silent PUT's connection was %s after %d ms%n", outcome, closed.toMillis());
        assertThat(outcome).isEqualTo("closed");
        assertThat(closed).isLessThan(Duration.ofSeconds(15));
        Ports.await("the silent PUT to be rolled back", Duration.ofSeconds(30),
                () -> !cluster.hasFiles(key) && http.put(key, "whole").statusCode() == 201);
        assertThat(Http.text(http.read(key))).isEqualTo("whole");
        assertThat(cluster.filesOnVolumes()).hasSize(4);
    }
}
