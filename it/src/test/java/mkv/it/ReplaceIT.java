package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replacing a live value with If-Match on real processes: readers never see a gap or a mix,
 * the 302's Content-Md5 and ETag always describe the bytes at its Location, and a replace that
 * cannot finish leaves the old value whole.
 */
class ReplaceIT {
    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    /** Value number i: sizes from 1 byte to about 48 KiB, each distinct. */
    static byte[] value(int i) {
        int size = 1 + (i * 7919) % 49_000;
        byte[] b = new byte[size];
        for (int j = 0; j < size; j++) b[j] = (byte) (i * 31 + j * 17);
        b[0] = (byte) i;
        return (i + ":" + new String(b, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void sixteen_readers_following_redirects_during_200_replaces_see_only_whole_values_whose_md5_matches_the_302() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        Http http = new Http(cluster.base());
        String key = "/replace/hot";
        Set<String> written = ConcurrentHashMap.newKeySet();
        written.add(Http.md5(value(0)));
        assertThat(http.put(key, value(0)).statusCode()).isEqualTo(201);

        AtomicBoolean done = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService readers = Executors.newFixedThreadPool(16);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int r = 0; r < 16; r++) {
                running.add(readers.submit(() -> {
                    while (!done.get() && wrong.size() < 20) {
                        HttpResponse<byte[]> redirect = http.get(key);
                        if (redirect.statusCode() != 302) {
                            wrong.add("GET answered " + redirect.statusCode());
                            continue;
                        }
                        String md5 = redirect.headers().firstValue("Content-Md5").orElse("none");
                        String etag = redirect.headers().firstValue("ETag").orElse("none");
                        if (!etag.equals("\"" + md5 + "\"")) wrong.add("ETag " + etag + " beside Content-Md5 " + md5);
                        String location = redirect.headers().firstValue("Location").orElseThrow();
                        HttpResponse<byte[]> bytes = Http.send(HttpRequest.newBuilder(URI.create(location)).GET());
                        if (bytes.statusCode() != 200) wrong.add(location + " answered " + bytes.statusCode());
                        else if (!Http.md5(bytes.body()).equals(md5)) wrong.add(location + " holds md5 " + Http.md5(bytes.body()) + ", the 302 said " + md5);
                        else if (!written.contains(md5)) wrong.add(location + " holds a value never written: " + md5);
                        seen.add(md5);
                        reads.incrementAndGet();
                    }
                }));
            }
            Ports.await("the readers to start reading", Duration.ofSeconds(30), () -> reads.get() >= 16);
            for (int i = 1; i <= 200; i++) {
                byte[] next = value(i);
                written.add(Http.md5(next));
                HttpResponse<byte[]> put = http.put(key, next, "If-Match", "*");
                assertThat(put.statusCode()).as("replace %d: %s", i, Http.text(put)).isEqualTo(201);
                assertThat(put.headers().firstValue("ETag")).contains("\"" + Http.md5(next) + "\"");
            }
        } finally {
            done.set(true);
            readers.shutdown();
        }
        for (Future<?> f : running) f.get();
        assertThat(wrong).as("wrong reads among %d", reads.get()).isEmpty();
        assertThat(seen.size()).as("distinct values the readers saw in %d reads", reads.get()).isGreaterThan(1);
        assertThat(Http.md5(http.read(key).body())).isEqualTo(Http.md5(value(200)));
        HttpResponse<byte[]> head = http.head(key);
        assertThat(head.headers().firstValue("ETag")).contains("\"" + Http.md5(value(200)) + "\"");
    }

    @Test
    void conditional_puts_answer_as_http_says() {
        cluster = Cluster.start(dir, 3, 2);
        Http http = new Http(cluster.base());
        String key = "/replace/cond";
        assertThat(http.put(key, "one", "If-Match", "*").statusCode()).isEqualTo(404);
        assertThat(http.put(key, "one", "If-Match", "\"" + Http.md5("x".getBytes(StandardCharsets.UTF_8)) + "\"").statusCode()).isEqualTo(412);
        HttpResponse<byte[]> created = http.put(key, "one", "If-None-Match", "*");
        assertThat(created.statusCode()).isEqualTo(201);
        String one = Http.md5("one".getBytes(StandardCharsets.UTF_8));
        assertThat(created.headers().firstValue("ETag")).contains("\"" + one + "\"");
        assertThat(http.put(key, "two", "If-None-Match", "*").statusCode()).isEqualTo(403);
        assertThat(http.put(key, "two").statusCode()).isEqualTo(403);
        assertThat(http.put(key, "two", "If-Match", "\"" + Http.md5("two".getBytes(StandardCharsets.UTF_8)) + "\"").statusCode()).isEqualTo(412);
        assertThat(http.put(key, "two", "If-Match", "garbage").statusCode()).isEqualTo(400);
        assertThat(Http.text(http.read(key))).isEqualTo("one");
        assertThat(http.put(key, "two", "If-Match", one).statusCode()).isEqualTo(201); // bare md5 hex
        assertThat(http.put(key, "three", "If-Match", "\"" + one + "\"").statusCode()).isEqualTo(412); // no longer that value
        assertThat(Http.text(http.read(key))).isEqualTo("two");
        assertThat(http.unlink(key).statusCode()).isEqualTo(204);
        assertThat(http.put(key, "three", "If-Match", "*").statusCode()).isEqualTo(404); // an unlinked key has no live value
        assertThat(http.put(key, "three").statusCode()).isEqualTo(201);
        assertThat(Http.text(http.read(key))).isEqualTo("three");
    }

    @Test
    void a_replace_with_a_target_volume_down_answers_503_and_the_old_value_stays_whole_and_readable() {
        cluster = Cluster.start(dir, 3, 2, "--health-interval", "200ms", "--recovery-grace", "1s");
        Http http = new Http(cluster.base());
        String key = null;
        for (int i = 0; key == null; i++) {
            if (cluster.placement("/replace/down/" + i).stream().anyMatch(r -> r.volume().equals(cluster.volume(1)))) key = "/replace/down/" + i;
        }
        String k = key;
        assertThat(http.put(key, "the old value").statusCode()).isEqualTo(201);
        Set<java.nio.file.Path> before = Set.copyOf(cluster.filesOnVolumes());
        cluster.killVolume(1);
        // Until the health checker marks it down a replace may still try, fail (502) and roll back.
        Ports.await("a replace to be refused as 503", Duration.ofSeconds(30),
                () -> http.put(k, "the new value", "If-Match", "*").statusCode() == 503);

        assertThat(Http.text(http.read(key))).isEqualTo("the old value");
        cluster.startVolume(1);
        // Whatever a refused or failed replace left is gone once recovery ran: the old files, no others.
        Ports.await("only the old value's files to remain", Duration.ofSeconds(90),
                () -> Set.copyOf(cluster.filesOnVolumes()).equals(before));
        assertThat(Http.text(http.read(key))).isEqualTo("the old value");
        assertThat(cluster.assertEveryReplicaHolds(key)).isEqualTo(Http.md5("the old value".getBytes(StandardCharsets.UTF_8)));
    }
}
