package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client of the Go minikeyvalue relies on, checked the way that client sees it: redirects
 * followed, status codes and the few headers its black-box suite (tools/test.py) looks at.
 */
class DropInIT {
    @TempDir
    static Path dir;
    static Cluster cluster;
    static Http http;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        cluster = Cluster.start(dir, 5, 3);
        http = new Http(cluster.base());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static String freshKey() {
        byte[] b = new byte[10];
        ThreadLocalRandom.current().nextBytes(b);
        return "/compat-" + HexFormat.of().formatHex(b);
    }

    /** One request, then the redirect followed once with the same method and headers, as a client library does. */
    static HttpResponse<byte[]> followed(String method, String key, Map<String, String> headers) {
        HttpRequest.Builder first = HttpRequest.newBuilder(http.uri(key)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(first::header);
        HttpResponse<byte[]> r = Http.send(first);
        if (r.statusCode() != 302) return r;
        HttpRequest.Builder second = HttpRequest.newBuilder(URI.create(r.headers().firstValue("Location").orElseThrow()))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(second::header);
        return Http.send(second);
    }

    static HttpResponse<byte[]> get(String key) {
        return followed("GET", key, Map.of());
    }

    static long contentLength(HttpResponse<byte[]> r) {
        return r.headers().firstValueAsLong("Content-Length").orElseThrow();
    }

    @Test
    void put_get_delete_round_trip() {
        String key = freshKey();
        assertThat(http.put(key, "onyou").statusCode()).isEqualTo(201);
        HttpResponse<byte[]> read = get(key);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(Http.text(read)).isEqualTo("onyou");
        assertThat(http.delete(key).statusCode()).isEqualTo(204);
        assertThat(get(key).statusCode()).isEqualTo(404);
    }

    @Test
    void a_second_delete_and_a_second_put_do_not_succeed_again_but_put_after_delete_does() {
        String key = freshKey();
        assertThat(http.put(key, "onyou").statusCode()).isEqualTo(201);
        assertThat(http.put(key, "onyou").statusCode()).isNotEqualTo(201);
        assertThat(http.delete(key).statusCode()).isEqualTo(204);
        assertThat(http.delete(key).statusCode()).isNotEqualTo(204);
        assertThat(http.put(key, "onyou").statusCode()).isEqualTo(201);
    }

    @Test
    void ten_keys_each_read_back_their_own_value() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 10; i++) keys.add(freshKey());
        for (String k : keys) assertThat(http.put(k, Http.md5(k.getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(201);
        for (String k : keys) assertThat(Http.text(get(k))).isEqualTo(Http.md5(k.getBytes(StandardCharsets.UTF_8)));
        for (String k : keys) assertThat(http.delete(k).statusCode()).isEqualTo(204);
    }

    @Test
    void a_range_request_is_served_partially_by_the_volume() {
        String key = freshKey();
        http.put(key, "onyou");
        HttpResponse<byte[]> part = followed("GET", key, Map.of("Range", "bytes=2-5"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(Http.text(part)).isEqualTo("you");
    }

    @Test
    void head_of_a_missing_key_is_404_with_content_length_zero() {
        HttpResponse<byte[]> head = followed("HEAD", freshKey(), Map.of());
        assertThat(head.statusCode()).isEqualTo(404);
        assertThat(contentLength(head)).isZero();
    }

    @Test
    void head_of_a_stored_key_followed_gives_the_value_length_and_unfollowed_its_md5() {
        String key = freshKey();
        assertThat(http.put(key, key).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> head = followed("HEAD", key, Map.of());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(contentLength(head)).isEqualTo(key.length());
        assertThat(http.head(key).headers().firstValue("Content-Md5")).contains(Http.md5(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void every_head_error_carries_no_body_length() {
        // The invalid key, the unknown parameter and the bad listing take other paths to their 400.
        for (String path : List.of("/a%00b", freshKey() + "?bogus", "/?list&limit=0")) {
            HttpResponse<byte[]> head = http.head(path);
            assertThat(head.statusCode()).as(path).isEqualTo(400);
            assertThat(contentLength(head)).as(path).isZero();
        }
    }

    @Test
    void a_16_mib_value_round_trips() {
        String key = freshKey();
        byte[] value = new byte[16 * 1024 * 1024];
        Arrays.fill(value, (byte) 'a');
        assertThat(http.put(key, value).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> read = get(key);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(value);
        assertThat(http.delete(key).statusCode()).isEqualTo(204);
    }

    @Test
    void listing_a_prefix_gives_its_keys_an_empty_next_and_an_empty_list_for_nothing() throws Exception {
        String key = freshKey();
        http.put(key + "1", "eh");
        http.put(key + "2", "eh");
        JsonNode all = JSON.readTree(http.get(key + "?list").body());
        assertThat(all.get("next").asText()).isEmpty();
        assertThat(JSON.convertValue(all.get("keys"), List.class)).containsExactly(key + "1", key + "2");
        HttpResponse<byte[]> none = http.get(freshKey() + "/DOES_NOT_EXIST?list");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(none.body()).get("keys").isEmpty()).isTrue();
        assertThat(JSON.readTree(none.body()).get("next").asText()).isEmpty();
    }

    @Test
    void listing_with_a_limit_pages_in_sorted_order() throws Exception {
        String prefix = freshKey();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            assertThat(http.put(prefix + i, "0").statusCode()).isEqualTo(201);
            keys.add(prefix + i);
        }
        keys.sort(null);
        JsonNode first = JSON.readTree(http.get(prefix + "?list&limit=10").body());
        assertThat(first.get("next").asText()).isEqualTo(keys.get(10));
        assertThat(JSON.convertValue(first.get("keys"), List.class)).isEqualTo(keys.subList(0, 10));
        String start = URLEncoder.encode(first.get("next").asText(), StandardCharsets.UTF_8);
        JsonNode last = JSON.readTree(http.get(prefix + "?list&limit=10&start=" + start).body());
        assertThat(last.get("next").asText()).isEmpty();
        assertThat(JSON.convertValue(last.get("keys"), List.class)).isEqualTo(keys.subList(10, 12));
    }

    @Test
    void an_empty_value_is_refused_with_411() {
        assertThat(http.put(freshKey(), new byte[0]).statusCode()).isEqualTo(411);
    }
}
