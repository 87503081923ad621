package mkv.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.DirectClient;
import io.helidon.webserver.testing.junit5.RoutingTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.vavr.collection.List;
import io.vavr.control.Option;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import mkv.domain.DeleteResult;
import mkv.domain.Entry;
import mkv.domain.GetResult;
import mkv.domain.InFlight;
import mkv.domain.InvalidKey;
import mkv.domain.Key;
import mkv.domain.ListResult;
import mkv.domain.Md5;
import mkv.domain.PutCondition;
import mkv.domain.PutResult;
import mkv.domain.Replica;
import mkv.domain.Transfer;
import mkv.domain.Volume;
import mkv.domain.VolumeFailure;
import mkv.domain.port.IndexFailure;
import mkv.domain.port.ListKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP mapping of the data API, in memory: the routing production uses, over a fake
 * {@link mkv.domain.port.DataApi}. Each result kind is pinned to its status, headers and body
 * byte for byte, and each request to the call it makes (or that it makes none).
 */
@RoutingTest
class KeyHandlerTest {
    private static final FakeDataApi API = new FakeDataApi();
    /** The body pace's clock; each read of a body takes {@link #READ_TAKES} of it. */
    private static final AtomicLong NANOS = new AtomicLong();
    private static final AtomicLong READ_TAKES = new AtomicLong();

    private static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final Md5 MD5 = new Md5("5d41402abc4b2a76b9719d911017c592"); // md5("hello")
    private static final Volume V1 = new Volume("vol1", 3001);
    private static final Volume V2 = new Volume("vol2", 3002);
    /** The address requests come from: listings are limited per address. */
    private static final String CLIENT = "192.0.2.7";

    private final DirectClient client;

    KeyHandlerTest(DirectClient client) {
        this.client = client.clientHost(CLIENT);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        // 1 KB/s over windows of one second: a body read while the clock stands still is never too slow.
        BodyPace pace = new BodyPace(new BodyPace.Limits(1024, Duration.ofSeconds(1)), () -> NANOS.addAndGet(READ_TAKES.get()));
        DataRoutes.routing(routing, API, () -> "generated-id", new NoMetrics(), () -> false, pace, Option::none);
    }

    @BeforeEach
    void reset() {
        API.reset();
        READ_TAKES.set(0);
    }

    /** Status, headers (names lower-cased, several values joined by ", ") and body of one answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private Answer send(String method, String pathAndQuery) {
        return send(method, pathAndQuery, r -> r, null);
    }

    /** Sends the path as it is, percent signs included, as a client that encodes its keys itself would. */
    private Answer send(String method, String pathAndQuery, UnaryOperator<Http1ClientRequest> setUp, String body) {
        Http1ClientRequest request = setUp.apply(client.method(Method.create(method)).skipUriEncoding(true).followRedirects(false).uri(pathAndQuery));
        try (HttpClientResponse response = body == null ? request.request() : request.submit(body)) {
            Map<String, String> headers = new TreeMap<>();
            response.headers().forEach(h -> headers.merge(h.name().toLowerCase(java.util.Locale.ROOT), h.get(), (a, b) -> a + ", " + b));
            return new Answer(response.status().code(), headers, response.entity().hasEntity() ? response.entity().as(String.class) : "");
        }
    }

    private static String error(String message, String key) {
        return "{\"error\":\"" + message + "\"" + (key == null ? "" : ",\"key\":\"" + key + "\"") + "}";
    }

    private static Transfer.Failed failed(Volume volume, VolumeFailure failure) {
        return new Transfer.Failed(new Replica(volume, 0), failure);
    }

    // ---- GET and HEAD ----

    @Test
    void a_found_value_is_a_302_to_its_replica_with_its_md5_etag_and_volumes_and_no_body() {
        API.get = new GetResult.Found("http://vol1:3001/sv00/ab/cd/0123", MD5, List.of(V1, V2));

        Answer a = send("GET", "/photos/cat%20one.jpg");

        assertThat(a.status()).isEqualTo(302);
        assertThat(a.header("Location")).isEqualTo("http://vol1:3001/sv00/ab/cd/0123");
        assertThat(a.header("Content-Md5")).isEqualTo(MD5.hex());
        assertThat(a.header("ETag")).isEqualTo("\"" + MD5.hex() + "\"");
        assertThat(a.header("Key-Volumes")).isEqualTo("vol1:3001,vol2:3002");
        assertThat(a.header("Content-Length")).isEqualTo("0");
        assertThat(a.body()).isEmpty();
        assertThat(API.calls()).containsExactly(new FakeDataApi.Call("get", new Key("/photos/cat one.jpg"), null, "/photos/cat%20one.jpg"));
    }

    @Test
    void a_missing_key_sent_to_the_fallback_is_a_302_to_the_location_the_core_gives() {
        API.get = new GetResult.Fallback("http://old.example:3000/a%20b");

        Answer a = send("GET", "/a%20b");

        assertThat(a.status()).isEqualTo(302);
        assertThat(a.header("Location")).isEqualTo("http://old.example:3000/a%20b");
        assertThat(a.header("Content-Length")).isEqualTo("0");
        assertThat(a.header("Content-Md5")).isNull();
        assertThat(a.body()).isEmpty();
        // The core gets the path as it arrived, so the redirect can repeat it byte for byte.
        assertThat(API.calls()).containsExactly(new FakeDataApi.Call("get", new Key("/a b"), null, "/a%20b"));
    }

    @Test
    void a_missing_key_is_a_404_naming_it_and_a_head_gets_the_status_alone() {
        API.get = new GetResult.Absent();

        Answer get = send("GET", "/no/such%22key");
        assertThat(get.status()).isEqualTo(404);
        assertThat(get.header("Content-Type")).isEqualTo("application/json");
        assertThat(get.body()).isEqualTo("{\"error\":\"no such key\",\"key\":\"/no/such\\\"key\"}");

        Answer head = send("HEAD", "/no/such%22key");
        assertThat(head.status()).isEqualTo(404);
        assertThat(head.header("Content-Length")).isEqualTo("0");
        assertThat(head.header("Content-Type")).isNull();
        assertThat(head.body()).isEmpty();
    }

    @Test
    void a_lost_value_is_a_410_that_says_what_to_do() {
        API.get = new GetResult.Lost();

        Answer a = send("GET", "/k");

        assertThat(a.status()).isEqualTo(410);
        assertThat(a.body()).isEqualTo(error("the value is lost: mkv verify found no replica holding it; DELETE the key or PUT a new value", "/k"));
    }

    @Test
    void a_value_whose_volumes_are_all_down_is_a_503_naming_them() {
        API.get = new GetResult.Unavailable(List.of(V1, V2));

        Answer a = send("GET", "/k");

        assertThat(a.status()).isEqualTo(503);
        assertThat(a.body()).isEqualTo(error("every replica's volume is down: vol1:3001, vol2:3002", "/k"));
    }

    @Test
    void a_get_with_an_unknown_query_parameter_is_a_400_and_asks_nothing() {
        Answer a = send("GET", "/k?version=2");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).isEqualTo(error("unknown query parameter(s) [version]; only list, unlinked, lost and writing (with start, limit) are understood", null));
        assertThat(API.calls()).isEmpty();
    }

    // ---- invalid keys, for every method ----

    @Test
    void an_invalid_key_is_a_400_with_the_parsers_reason_and_the_raw_path_and_asks_nothing() {
        for (String method : new String[] {"GET", "PUT", "DELETE", "UNLINK", "RELINK"}) {
            Answer a = send(method, "/bad%00key", r -> r, method.equals("PUT") ? "hello" : null);
            assertThat(a.status()).as(method).isEqualTo(400);
            assertThat(a.header("Content-Type")).as(method).isEqualTo("application/json");
            assertThat(a.body()).as(method).isEqualTo(error("key contains the control character U+0000", "/bad%00key"));
        }
        Answer root = send("GET", "/");
        assertThat(root.status()).isEqualTo(400);
        assertThat(root.body()).isEqualTo(error("key must name something after /", "/"));
        Answer head = send("HEAD", "/bad%00key");
        assertThat(head.status()).isEqualTo(400);
        assertThat(head.body()).isEmpty();
        assertThat(API.calls()).isEmpty();
    }

    // ---- PUT ----

    @Test
    void a_created_value_is_a_201_with_its_md5_and_the_core_gets_the_key_condition_body_and_request_id() {
        API.put = new PutResult.Created(Entry.live(new Key("/k"), List.of(new Replica(V1, 0)), 5, MD5, 1, Instant.EPOCH));

        Answer a = send("PUT", "/k", r -> r.header(REQUEST_ID, "client-id-1").header(HeaderNames.create("If-Match"), "\"" + MD5.hex() + "\"")
                .header(HeaderNames.create("Content-MD5"), "XUFAKrxLKna5cZ2REBfFkg=="), "hello");

        assertThat(a.status()).isEqualTo(201);
        assertThat(a.header("Content-Md5")).isEqualTo(MD5.hex());
        assertThat(a.header("ETag")).isEqualTo("\"" + MD5.hex() + "\"");
        assertThat(a.header("X-Request-Id")).isEqualTo("client-id-1");
        assertThat(a.body()).isEmpty();
        assertThat(API.calls()).containsExactly(new FakeDataApi.Call("put", new Key("/k"), "client-id-1",
                new FakeDataApi.Upload(new PutCondition.ReplaceIf(MD5), 5, Option.some(MD5), "hello")));
    }

    @Test
    void a_chunked_body_reaches_the_core_with_no_length() {
        API.put = new PutResult.Created(Entry.live(new Key("/k"), List.of(new Replica(V1, 0)), 5, MD5, 1, Instant.EPOCH));
        Http1ClientRequest request = client.method(Method.PUT).uri("/k");
        try (HttpClientResponse response = request.outputStream(out -> write(out, "hel", "lo"))) {
            assertThat(response.status().code()).isEqualTo(201);
        }
        assertThat(API.calls()).containsExactly(new FakeDataApi.Call("put", new Key("/k"), "generated-id",
                new FakeDataApi.Upload(new PutCondition.CreateOnly(), -1, Option.none(), "hello")));
    }

    private static void write(OutputStream out, String... parts) throws IOException {
        for (String part : parts) {
            out.write(part.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        out.close();
    }

    @Test
    void each_refused_put_is_its_own_status_and_message() {
        Map<PutResult, Answer> expected = new java.util.LinkedHashMap<>();
        expected.put(new PutResult.AlreadyExists(), new Answer(403, Map.of(), error("key exists; DELETE or UNLINK it first, or replace it with If-Match", "/k")));
        expected.put(new PutResult.NoLiveValue(), new Answer(404, Map.of(), error("If-Match: the key has no live value to replace", "/k")));
        expected.put(new PutResult.PreconditionFailed(), new Answer(412, Map.of(),
                error("If-Match: the live value is not the one named (or there is none); nothing was written", "/k")));
        expected.put(new PutResult.ValueLost(), new Answer(412, Map.of(), error("If-Match: the value is lost (GET answers 410), "
                + "so there is no current value to match; PUT without If-Match to write a new one; nothing was written", "/k")));
        expected.put(new PutResult.Busy(), new Answer(409, Map.of(),
                error("another request is changing this key, or a failed write is still being cleaned up; retry shortly", "/k")));
        expected.put(new PutResult.EmptyBody(), new Answer(411, Map.of(), error("empty body: mkv stores no empty values", "/k")));
        expected.put(new PutResult.Unavailable(List.of(V1, V2)), new Answer(503, Map.of(),
                error("a target volume is down, nothing was written: vol1:3001, vol2:3002", "/k")));
        expected.put(new PutResult.BodyBroken("connection reset"), new Answer(400, Map.of(),
                error("the request body broke off (connection reset); nothing was kept", "/k")));
        expected.put(new PutResult.Md5Mismatch(new Md5("00000000000000000000000000000000"), MD5), new Answer(400, Map.of(),
                error("Content-MD5 says 00000000000000000000000000000000 but the body's md5 is " + MD5.hex() + " (both in hex); nothing was kept", "/k")));
        expected.put(new PutResult.ReplicaFailed(List.of(failed(V1, new VolumeFailure.Refused(500)), failed(V2, new VolumeFailure.TimedOut("read")))),
                new Answer(502, Map.of(), error("a replica write failed, the write was rolled back: vol1:3001 answered HTTP 500; vol2:3002 timed out: read"
                        + " (nginx answers 500 when it cannot store a PUT, e.g. its disk is full: see that volume's error log)", "/k")));
        expected.put(new PutResult.ReplicaFailed(List.empty()), new Answer(502, Map.of(),
                error("a replica write failed, the write was rolled back: the index changed under the write", "/k")));

        expected.forEach((result, answer) -> {
            API.put = result;
            Answer a = send("PUT", "/k", r -> r, "hello");
            assertThat(a.status()).as(result.toString()).isEqualTo(answer.status());
            assertThat(a.header("Content-Type")).as(result.toString()).isEqualTo("application/json");
            assertThat(a.body()).as(result.toString()).isEqualTo(answer.body());
        });
        assertThat(API.calls()).hasSize(expected.size());
    }

    @Test
    void a_body_that_comes_too_slowly_is_a_408_that_closes_the_connection() {
        READ_TAKES.set(Duration.ofSeconds(2).toNanos()); // 5 bytes in 2 s of waiting: under 1 KB/s

        Answer a = send("PUT", "/k", r -> r, "hello");

        assertThat(a.status()).isEqualTo(408);
        assertThat(a.header("Connection")).isEqualTo("close");
        assertThat(a.body()).isEqualTo(error("the request body came too slowly (the body came slower than 1024 bytes/s over 1000 ms of waiting for it);"
                + " nothing was kept", "/k"));
    }

    @Test
    void a_put_whose_md5_or_condition_cannot_be_read_is_a_400_and_asks_nothing() {
        Answer md5 = send("PUT", "/k", r -> r.header(HeaderNames.create("Content-MD5"), "not base64!"), "hello");
        assertThat(md5.status()).isEqualTo(400);
        assertThat(md5.body()).startsWith("{\"error\":\"Content-MD5").endsWith(",\"key\":\"/k\"}");

        Answer both = send("PUT", "/k", r -> r.header(HeaderNames.create("If-Match"), "*").header(HeaderNames.create("If-None-Match"), "*"), "hello");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.body()).isEqualTo(error("send If-Match or If-None-Match, not both", "/k"));

        Answer query = send("PUT", "/k?list", r -> r, "hello");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.body()).isEqualTo(error("PUT takes no query parameters", null));
        assertThat(API.calls()).isEmpty();
    }

    // ---- DELETE, UNLINK, RELINK ----

    @Test
    void a_finished_delete_unlink_or_relink_is_a_204_and_each_reaches_its_use_case() {
        API.change = new DeleteResult.Deleted();
        for (String method : new String[] {"DELETE", "UNLINK", "RELINK"}) {
            Answer a = send(method, "/k%2Fx", r -> r.header(REQUEST_ID, "id-" + method), null);
            assertThat(a.status()).as(method).isEqualTo(204);
            assertThat(a.body()).as(method).isEmpty();
        }
        assertThat(API.calls()).containsExactly(
                new FakeDataApi.Call("delete", new Key("/k/x"), "id-DELETE", null),
                new FakeDataApi.Call("unlink", new Key("/k/x"), "id-UNLINK", null),
                new FakeDataApi.Call("relink", new Key("/k/x"), "id-RELINK", null));
    }

    @Test
    void each_refused_delete_unlink_or_relink_is_its_own_status_and_message() {
        record Case(DeleteResult result, String method, int status, String message) {}
        List<Case> cases = List.of(
                new Case(new DeleteResult.Absent(), "DELETE", 404, "no such key"),
                new Case(new DeleteResult.Absent(), "UNLINK", 404, "no such live key"),
                new Case(new DeleteResult.Absent(), "RELINK", 404, "no such key"),
                new Case(new DeleteResult.AlreadyLive(), "RELINK", 409, "the key is live: only an unlinked key can be relinked"),
                new Case(new DeleteResult.Protected(), "DELETE", 403, "the server protects live keys: UNLINK the key before you DELETE it"),
                new Case(new DeleteResult.Busy(), "UNLINK", 409, "another request is changing this key"),
                new Case(new DeleteResult.Lost(), "UNLINK", 410, "the value is lost, so there is nothing to unlink; DELETE removes the key"),
                new Case(new DeleteResult.Lost(), "RELINK", 410, "the value is lost, so there is nothing to relink; DELETE removes the key"),
                new Case(new DeleteResult.Unavailable(List.of(V2)), "DELETE", 503, "a replica's volume is down, nothing was changed: vol2:3002"));
        for (Case c : cases) {
            API.change = c.result();
            Answer a = send(c.method(), "/k");
            assertThat(a.status()).as(c.toString()).isEqualTo(c.status());
            assertThat(a.header("Content-Type")).as(c.toString()).isEqualTo("application/json");
            assertThat(a.body()).as(c.toString()).isEqualTo(error(c.message(), "/k"));
        }
    }

    @Test
    void an_incomplete_change_is_a_202_that_says_recovery_finishes_it() {
        API.change = new DeleteResult.Incomplete(List.of(failed(V1, new VolumeFailure.Unreachable("connection refused"))));
        Map<String, String> done = Map.of(
                "DELETE", "deleted; the files that could not be removed are removed by recovery once their volume answers: ",
                "UNLINK", "unlinked; the sidecars that could not be rewritten are rewritten by recovery once their volume answers: ",
                "RELINK", "relinked; the sidecars that could not be rewritten are rewritten by recovery once their volume answers: ");
        done.forEach((method, message) -> {
            Answer a = send(method, "/k");
            assertThat(a.status()).as(method).isEqualTo(202);
            assertThat(a.header("Content-Type")).as(method).isEqualTo("application/json");
            assertThat(a.body()).as(method).isEqualTo("{\"key\":\"/k\",\"message\":\"" + message + "vol1:3001 unreachable: connection refused\"}");
        });
    }

    @Test
    void a_change_with_a_query_is_a_400_and_asks_nothing() {
        Answer a = send("UNLINK", "/k?now");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body()).isEqualTo(error("UNLINK takes no query parameters", null));
        assertThat(API.calls()).isEmpty();
    }

    // ---- listings ----

    @Test
    void a_page_of_keys_is_a_200_with_the_keys_and_where_the_next_page_starts() {
        API.list = new ListResult.Keys(List.of(new Key("/l/a"), new Key("/l/\"b")), "/l/c");

        Answer a = send("GET", "/l/?list&start=/l/a&limit=2");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo("application/json");
        assertThat(a.body()).isEqualTo("{\"next\":\"/l/c\",\"keys\":[\"/l/a\",\"/l/\\\"b\"]}");
        assertThat(API.calls()).containsExactly(new FakeDataApi.Call("list", null, null,
                new ListKeys(ListKeys.Which.LIVE, "/l/", Option.some("/l/a"), Option.some("2"), CLIENT)));
    }

    @Test
    void each_listing_parameter_names_what_is_listed() {
        Map<String, ListKeys.Which> names = Map.of("list", ListKeys.Which.LIVE, "unlinked", ListKeys.Which.UNLINKED,
                "lost", ListKeys.Which.LOST, "writing", ListKeys.Which.IN_FLIGHT);
        names.forEach((name, which) -> {
            API.reset();
            assertThat(send("GET", "/p%20q/?" + name).status()).as(name).isEqualTo(200);
            assertThat(API.calls()).as(name).containsExactly(new FakeDataApi.Call("list", null, null,
                    new ListKeys(which, "/p%20q/", Option.none(), Option.none(), CLIENT)));
        });
    }

    @Test
    void a_page_of_rows_in_flight_says_what_each_is_doing_and_for_how_long() {
        Replica r = new Replica(V1, 7);
        API.list = new ListResult.Writing(List.of(new InFlight(new Key("/w/new"), InFlight.Kind.WRITE, 12, List.of(r),
                Instant.parse("2026-01-02T03:04:05Z"), Duration.ofMillis(1500))), "");

        Answer a = send("GET", "/w/?writing");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo("application/json");
        assertThat(a.body()).isEqualTo("{\"next\":\"\",\"writing\":[{\"key\":\"/w/new\",\"doing\":\"write\",\"generation\":12,"
                + "\"replicas\":[\"vol1:3001/7\"],\"since\":\"2026-01-02T03:04:05Z\",\"age_seconds\":1.5}]}");
    }

    @Test
    void a_listing_refused_by_the_core_is_a_400_with_its_reason() {
        API.list = new ListResult.InvalidPrefix(new InvalidKey("key contains the control character U+0001", "/a\u0001"));
        Answer prefix = send("GET", "/a%01?list");
        assertThat(prefix.status()).isEqualTo(400);
        assertThat(prefix.body()).isEqualTo(error("key contains the control character U+0001", "/a%01"));

        API.list = new ListResult.BadQuery("limit must be from 1 to 1000, not 0");
        Answer query = send("GET", "/?list&limit=0");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.body()).isEqualTo(error("limit must be from 1 to 1000, not 0", null));
    }

    @Test
    void a_listing_over_the_rate_is_a_429_with_retry_after_in_whole_seconds_rounded_up() {
        API.list = new ListResult.TooMany(Duration.ofMillis(1001));
        Answer a = send("GET", "/?list");
        assertThat(a.status()).isEqualTo(429);
        assertThat(a.header("Retry-After")).isEqualTo("2");
        assertThat(a.body()).isEqualTo(error("too many listings from this address; retry after the Retry-After seconds", null));

        API.list = new ListResult.TooMany(Duration.ofMillis(1));
        assertThat(send("GET", "/?unlinked").header("Retry-After")).isEqualTo("1");
    }

    @Test
    void a_listing_that_asks_for_two_kinds_or_an_unknown_parameter_is_a_400_and_asks_nothing() {
        Answer two = send("GET", "/?list&lost");
        assertThat(two.status()).isEqualTo(400);
        assertThat(two.body()).isEqualTo(error("ask for one of list, unlinked, lost or writing, not list and lost", null));

        Answer unknown = send("GET", "/?list&sort=desc");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body()).isEqualTo(error("unknown query parameter 'sort'; a listing takes start and limit", null));
        assertThat(API.calls()).isEmpty();
    }

    // ---- what every request shares ----

    @Test
    void an_index_failure_is_a_500_that_says_whether_the_index_is_damaged() {
        API.failure = new IndexFailure("database is locked", null);
        Answer busy = send("GET", "/k");
        assertThat(busy.status()).isEqualTo(500);
        assertThat(busy.body()).isEqualTo(error("the index is unavailable: database is locked", null));

        API.failure = IndexFailure.corrupt("keys out of order", null);
        Answer listing = send("GET", "/?list");
        assertThat(listing.status()).isEqualTo(500);
        assertThat(listing.header("Content-Type")).isEqualTo("application/json");
        assertThat(listing.body()).isEqualTo(error("the index is damaged: keys out of order", null));
    }

    @Test
    void an_unsupported_method_is_a_405_that_lists_the_allowed_ones() {
        Answer a = send("POST", "/k", r -> r, "x");

        assertThat(a.status()).isEqualTo(405);
        assertThat(a.header("Allow")).isEqualTo("GET, HEAD, PUT, DELETE, UNLINK, RELINK");
        assertThat(a.body()).isEqualTo(error("method POST is not supported; use GET, HEAD, PUT, DELETE, UNLINK, RELINK", null));
        assertThat(API.calls()).isEmpty();
    }

    @Test
    void a_safe_request_id_is_echoed_and_passed_on_and_an_unsafe_one_is_replaced() {
        API.change = new DeleteResult.Deleted();
        assertThat(send("DELETE", "/k", r -> r.header(REQUEST_ID, "abc-123"), null).header("X-Request-Id")).isEqualTo("abc-123");
        assertThat(send("DELETE", "/k", r -> r.header(REQUEST_ID, "no spaces allowed"), null).header("X-Request-Id")).isEqualTo("generated-id");
        assertThat(API.calls().stream().map(FakeDataApi.Call::requestId)).containsExactly("abc-123", "generated-id");
    }

    /** Metrics that count nothing: not what these tests are about. */
    private static final class NoMetrics implements HttpMetrics {
        @Override
        public void request(String method, int status, long nanos) {}

        @Override
        public String contentType() {
            return "text/plain";
        }

        @Override
        public byte[] scrape() {
            return new byte[0];
        }
    }
}
