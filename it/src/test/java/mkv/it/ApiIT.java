package mkv.it;

import static mkv.it.Http.enc;
import static mkv.it.Http.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every row of the API table against real nginx volumes and a real coordinator process. One
 * instance for the class, so that a subclass can start another kind of cluster ({@link TlsApiIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT {
    @TempDir
    static Path dir;
    static Cluster cluster;
    static Http http;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    void start() {
        cluster = Cluster.start(dir, 3, 2);
        http = cluster.http();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static String md5(byte[] b) {
        return Http.md5(b);
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void put_then_get_redirects_to_a_volume_that_serves_the_value() throws Exception {
        byte[] value = "hello, mkv".getBytes(StandardCharsets.UTF_8);
        assertThat(http.put("/api/hello", value).statusCode()).isEqualTo(201);

        HttpResponse<byte[]> redirect = http.get("/api/hello");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Content-Md5")).contains(md5(value));
        String location = redirect.headers().firstValue("Location").orElseThrow();
        // A new write's generation is in the file name: /svNN/aa/bb/<digest>.<generation>; the
        // query signs it for GET (and HEAD) until url-ttl from now.
        assertThat(location).matches(cluster.scheme() + "127\\.0\\.0\\.1:\\d+/sv00/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\\.[1-9][0-9]*"
                + "\\?kid=k1&expires=\\d+&sig=[A-Za-z0-9_-]{22}");
        List<String> volumes = List.of(redirect.headers().firstValue("Key-Volumes").orElseThrow().split(","));
        assertThat(volumes).hasSize(2).allMatch(v -> cluster.volumeList().contains(v));
        assertThat(http.read("/api/hello").body()).isEqualTo(value);
    }

    @Test
    void head_redirects_like_get_with_the_md5() throws Exception {
        byte[] value = "head me".getBytes(StandardCharsets.UTF_8);
        http.put("/api/head", value);
        HttpResponse<byte[]> head = http.head("/api/head");
        assertThat(head.statusCode()).isEqualTo(302);
        assertThat(head.headers().firstValue("Content-Md5")).contains(md5(value));
        assertThat(head.headers().firstValue("Location")).isPresent();
        assertThat(http.head("/api/head-missing").statusCode()).isEqualTo(404);
    }

    @Test
    void a_second_put_of_a_live_key_is_forbidden_and_keeps_the_first_value() {
        assertThat(http.put("/api/once", "first").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> again = http.put("/api/once", "second");
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(text(again)).contains("\"error\"").contains("/api/once");
        assertThat(text(http.read("/api/once"))).isEqualTo("first");
    }

    @Test
    void an_empty_body_is_refused_with_411_and_nothing_is_stored() {
        assertThat(http.put("/api/empty", new byte[0]).statusCode()).isEqualTo(411);
        assertThat(http.get("/api/empty").statusCode()).isEqualTo(404);
    }

    @Test
    void an_empty_chunked_body_is_refused_with_411() {
        var r = http.call(HttpRequest.newBuilder(http.uri("/api/empty-chunked"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[0]))));
        assertThat(r.statusCode()).isEqualTo(411);
        assertThat(http.get("/api/empty-chunked").statusCode()).isEqualTo(404);
    }

    @Test
    void a_chunked_body_is_stored_whole() throws Exception {
        byte[] value = new byte[3_000_000];
        new Random(7).nextBytes(value);
        var r = http.call(HttpRequest.newBuilder(http.uri("/api/chunked"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(value))));
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Md5")).contains(md5(value));
        assertThat(http.read("/api/chunked").body()).isEqualTo(value);
    }

    @Test
    void get_of_a_missing_key_is_404_with_a_json_error() throws Exception {
        HttpResponse<byte[]> r = http.get("/api/nothing-here");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("error").asText()).isNotBlank();
        assertThat(json(r).get("key").asText()).isEqualTo("/api/nothing-here");
    }

    @Test
    void delete_removes_the_key_and_its_files() {
        http.put("/api/delete-me", "bye");
        long filesBefore = cluster.filesOnVolumes().size();
        assertThat(http.delete("/api/delete-me").statusCode()).isEqualTo(204);
        assertThat(http.get("/api/delete-me").statusCode()).isEqualTo(404);
        assertThat(http.delete("/api/delete-me").statusCode()).isEqualTo(404);
        // blob + sidecar on each of the 2 replicas are gone
        assertThat(cluster.filesOnVolumes()).hasSize((int) filesBefore - 4);
        assertThat(http.put("/api/delete-me", "again").statusCode()).isEqualTo(201);
    }

    @Test
    void unlink_hides_the_key_lists_it_as_unlinked_and_allows_a_new_put() throws Exception {
        http.put("/api/unlink/k", "soft");
        assertThat(http.unlink("/api/unlink/k").statusCode()).isEqualTo(204);
        assertThat(http.get("/api/unlink/k").statusCode()).isEqualTo(404);
        assertThat(http.unlink("/api/unlink/k").statusCode()).isEqualTo(404);
        assertThat(json(http.get("/api/unlink/?unlinked")).get("keys").toString()).contains("/api/unlink/k");
        assertThat(json(http.get("/api/unlink/?list")).get("keys")).isEmpty();
        assertThat(http.put("/api/unlink/k", "hard again").statusCode()).isEqualTo(201);
        assertThat(text(http.read("/api/unlink/k"))).isEqualTo("hard again");
        assertThat(json(http.get("/api/unlink/?unlinked")).get("keys")).isEmpty();
    }

    @Test
    void relink_restores_an_unlinked_key_with_its_sidecars_and_refuses_a_live_or_absent_one() throws Exception {
        assertThat(http.put("/api/relink/k", "undo me").statusCode()).isEqualTo(201);
        assertThat(http.method("RELINK", "/api/relink/k").statusCode()).as("live: nothing to restore").isEqualTo(409);
        assertThat(http.unlink("/api/relink/k").statusCode()).isEqualTo(204);
        assertThat(http.get("/api/relink/k").statusCode()).isEqualTo(404);

        assertThat(http.method("RELINK", "/api/relink/k").statusCode()).isEqualTo(204);

        assertThat(text(http.read("/api/relink/k"))).isEqualTo("undo me");
        assertThat(json(http.get("/api/relink/?unlinked")).get("keys")).isEmpty();
        assertThat(json(http.get("/api/relink/?list")).get("keys").toString()).contains("/api/relink/k");
        // Sidecars follow, so a rebuild would restore the key live.
        String digest = new mkv.domain.Key("/api/relink/k").digest();
        long sidecars = 0;
        for (java.nio.file.Path f : cluster.filesOnVolumes()) {
            if (f.getFileName().toString().startsWith(digest) && f.getFileName().toString().endsWith(".key")) {
                assertThat(java.nio.file.Files.readString(f)).as(f.toString()).contains("\"state\":\"LIVE\"");
                sidecars++;
            }
        }
        assertThat(sidecars).isEqualTo(2);
        assertThat(http.method("RELINK", "/api/relink/absent").statusCode()).isEqualTo(404);
        assertThat(http.method("RELINK", "/api/relink/k?x").statusCode()).isEqualTo(400);
    }

    @Test
    void unlinked_keys_can_be_deleted_for_good() {
        http.put("/api/unlink-delete", "x");
        http.unlink("/api/unlink-delete");
        assertThat(http.delete("/api/unlink-delete").statusCode()).isEqualTo(204);
        assertThat(http.unlink("/api/unlink-delete").statusCode()).isEqualTo(404);
    }

    @Test
    void list_pages_through_keys_in_bytewise_order() throws Exception {
        List<String> keys = new ArrayList<>();
        for (String k : List.of("/list/b", "/list/a", "/list/Z", "/list/\u00e9", "/list/a/b", "/list/c", "/list/aa")) {
            assertThat(http.put(enc(k), "v").statusCode()).isEqualTo(201);
            keys.add(k);
        }
        keys.sort((x, y) -> java.util.Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
        List<String> seen = new ArrayList<>();
        String start = "";
        int pages = 0;
        do {
            String q = "/list/?list&limit=3" + (start.isEmpty() ? "" : "&start=" + java.net.URLEncoder.encode(start, StandardCharsets.UTF_8));
            JsonNode page = json(http.get(q));
            page.get("keys").forEach(k -> seen.add(k.asText()));
            start = page.get("next").asText();
            pages++;
        } while (!start.isEmpty() && pages < 10);
        assertThat(seen).containsExactlyElementsOf(keys);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void list_refuses_bad_parameters_with_400() {
        assertThat(http.get("/?list&limit=0").statusCode()).isEqualTo(400);
        assertThat(http.get("/?list&limit=abc").statusCode()).isEqualTo(400);
        assertThat(http.get("/?list&limit=99999999").statusCode()).isEqualTo(400);
        assertThat(http.get("/?list&bogus=1").statusCode()).isEqualTo(400);
        assertThat(http.get("/?list&unlinked").statusCode()).isEqualTo(400);
        assertThat(http.get("/api/x?what").statusCode()).isEqualTo(400);
    }

    @Test
    void unknown_methods_get_405_with_allow() {
        HttpResponse<byte[]> r = http.method("PATCH", "/api/x");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow").orElse("")).contains("UNLINK");
        assertThat(http.method("OPTIONS", "/api/x").statusCode()).isEqualTo(405);
    }

    @Test
    void invalid_keys_get_400_and_never_a_5xx() {
        for (String raw : List.of("/bad%00key", "/bad%C3%28", "/bad%0Akey", "/a/%2E%2E/b", "/" + "x".repeat(1100))) {
            HttpResponse<byte[]> put = http.put(raw, "v");
            assertThat(put.statusCode()).as("PUT " + raw).isEqualTo(400);
            assertThat(http.get(raw).statusCode()).as("GET " + raw).isEqualTo(400);
            assertThat(http.delete(raw).statusCode()).as("DELETE " + raw).isEqualTo(400);
        }
        assertThat(http.put("/", "v").statusCode()).isEqualTo(400);
        // What java.net.URI refuses to send, a raw socket can.
        for (String raw : List.of("/bad%ZZ", "/bad%", "/a/../b", "/raw\u00e9")) {
            String answer = cluster.raw("PUT " + raw + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nv");
            assertThat(answer).as("PUT " + raw).startsWith("HTTP/1.1 4");
        }
    }

    @Test
    void an_invalid_key_400_names_the_raw_path_as_sent_in_valid_json() throws Exception {
        for (String raw : List.of("/bad%00key", "/bad%C3%28", "/a/%2E%2E/b", "/q%22%5C%0A%00?list")) {
            JsonNode body = json(http.get(raw));
            assertThat(body.get("key").asText()).as(raw).isEqualTo(raw.replace("?list", ""));
            assertThat(body.get("error").asText()).as(raw).isNotBlank();
        }
    }

    @Test
    void keys_with_unicode_spaces_encoded_slashes_and_1000_bytes_round_trip() throws Exception {
        String longKey = "/long/" + "k".repeat(994);
        assertThat(longKey.getBytes(StandardCharsets.UTF_8)).hasSize(1000);
        for (String key : List.of("/unicode/\u00fcn\u00efc\u00f8d\u00e9 \u2603 \uD83D\uDE00", "/with spaces/and+plus", longKey)) {
            byte[] value = ("value of " + key).getBytes(StandardCharsets.UTF_8);
            assertThat(http.put(enc(key), value).statusCode()).as(key).isEqualTo(201);
            assertThat(http.read(enc(key)).body()).as(key).isEqualTo(value);
        }
        // %2F decodes to '/': the key is the decoded path
        assertThat(http.put("/enc%2Fslash", "s").statusCode()).isEqualTo(201);
        assertThat(text(http.read("/enc/slash"))).isEqualTo("s");
    }

    @Test
    void a_16_mib_binary_value_round_trips_with_its_md5() throws Exception {
        byte[] value = new byte[16 * 1024 * 1024];
        new Random(16).nextBytes(value);
        HttpResponse<byte[]> put = http.put("/big/16m", value);
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(http.get("/big/16m").headers().firstValue("Content-Md5")).contains(md5(value));
        assertThat(md5(http.read("/big/16m").body())).isEqualTo(md5(value));
    }

    @Test
    void range_reads_work_through_the_redirect() {
        byte[] value = new byte[1000];
        for (int i = 0; i < value.length; i++) value[i] = (byte) i;
        http.put("/api/range", value);
        String location = http.get("/api/range").headers().firstValue("Location").orElseThrow();
        HttpResponse<byte[]> part = http.call(HttpRequest.newBuilder(URI.create(location)).header("Range", "bytes=100-199").GET());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(value, 100, 200));
    }

    @Test
    void eight_concurrent_puts_of_one_key_create_it_exactly_once() throws Exception {
        byte[] value = new byte[2_000_000];
        List<Callable<Integer>> puts = new ArrayList<>();
        for (int i = 0; i < 8; i++) puts.add(() -> http.put("/race/one", value).statusCode());
        List<Integer> codes = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (Future<Integer> f : pool.invokeAll(puts)) codes.add(f.get());
        }
        assertThat(codes).filteredOn(c -> c == 201).hasSize(1);
        assertThat(codes).allMatch(c -> c == 201 || c == 409 || c == 403);
        assertThat(http.get("/race/one").statusCode()).isEqualTo(302);
    }

    @Test
    void the_request_id_is_echoed_or_made() {
        var mine = http.call(HttpRequest.newBuilder(http.uri("/api/rid")).header("X-Request-Id", "abc-123").GET());
        assertThat(mine.headers().firstValue("X-Request-Id")).contains("abc-123");
        assertThat(http.get("/api/rid").headers().firstValue("X-Request-Id")).isPresent();
    }

    @Test
    void bad_content_length_gets_a_4xx() throws Exception {
        for (String cl : List.of("abc", "-5", "1, 2")) {
            String answer = cluster.raw("PUT /api/badlen HTTP/1.1\r\nHost: x\r\nContent-Length: " + cl + "\r\n\r\nhello");
            assertThat(answer).as("Content-Length: " + cl).startsWith("HTTP/1.1 4");
        }
        assertThat(http.get("/api/badlen").statusCode()).isEqualTo(404);
    }

    private static HttpResponse<byte[]> putWithMd5(String key, byte[] value, String contentMd5, boolean chunked) {
        var body = chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(value))
                : HttpRequest.BodyPublishers.ofByteArray(value);
        return http.call(HttpRequest.newBuilder(http.uri(key)).header("Content-MD5", contentMd5).PUT(body));
    }

    private static String base64Md5(byte[] value) {
        return java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(md5(value)));
    }

    @Test
    void a_wrong_content_md5_answers_400_keeps_nothing_anywhere_and_the_key_stays_writable() throws Exception {
        // A small value (read whole, pooled PUTs), a large one (streamed), and a chunked one.
        record Case(String key, byte[] value, boolean chunked) {}
        byte[] large = new byte[3_000_000];
        new Random(11).nextBytes(large);
        for (Case c : List.of(new Case("/md5/small", "checked".getBytes(StandardCharsets.UTF_8), false),
                new Case("/md5/large", large, false), new Case("/md5/chunked", large, true))) {
            String wrong = md5("something else".getBytes(StandardCharsets.UTF_8));

            HttpResponse<byte[]> refused = putWithMd5(c.key(), c.value(), wrong, c.chunked());

            assertThat(refused.statusCode()).as(c.key()).isEqualTo(400);
            assertThat(json(refused).get("error").asText()).as(c.key()).contains(wrong).contains(md5(c.value()));
            assertThat(cluster.hasFiles(c.key())).as("files of %s on any volume", c.key()).isFalse();
            assertThat(http.get(c.key()).statusCode()).as(c.key()).isEqualTo(404);

            // The right md5, in either encoding, is accepted at once.
            String right = c.chunked() ? md5(c.value()) : base64Md5(c.value());
            HttpResponse<byte[]> stored = putWithMd5(c.key(), c.value(), right, c.chunked());
            assertThat(stored.statusCode()).as(c.key()).isEqualTo(201);
            assertThat(stored.headers().firstValue("Content-Md5")).contains(md5(c.value()));
            assertThat(md5(http.read(c.key()).body())).isEqualTo(md5(c.value()));
            cluster.assertEveryReplicaHolds(c.key());
        }
    }

    @Test
    void a_malformed_content_md5_answers_400_before_anything_is_written() throws Exception {
        byte[] value = "never stored".getBytes(StandardCharsets.UTF_8);
        for (String bad : List.of("abc", md5(value) + "0", "XUFAKrxLKna5cZ2REBfFkg=", "not base64 at all!!!!!!!")) {
            HttpResponse<byte[]> r = putWithMd5("/md5/malformed", value, bad, false);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(r).get("error").asText()).as(bad).contains("Content-MD5");
            assertThat(json(r).get("key").asText()).isEqualTo("/md5/malformed");
        }
        assertThat(cluster.hasFiles("/md5/malformed")).isFalse();
        assertThat(http.get("/md5/malformed").statusCode()).isEqualTo(404);
    }
}
