package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API tokens on a real coordinator (docs/SECURITY.md, "Tokens"): 401 with a challenge without a
 * valid token, 403 for a token lacking the scope of each kind of request, every kind working
 * with its scope, SIGHUP adding and removing tokens, the admin port asking for the admin scope
 * when admin-auth is on, no token ever in the log, and the starts that must be refused.
 */
class TokensIT {
    @TempDir
    static Path dir;
    static Cluster cluster;
    static Path tokensFile;

    static final String READER = "reader-0123456789abcdef0123456789";
    static final String WRITER = "writer-0123456789abcdef0123456789";
    static final String DELETER = "deleter-0123456789abcdef012345678";
    static final String LISTER = "lister-0123456789abcdef0123456789";
    static final String ADMIN = "admin-0123456789abcdef01234567890";
    static final String RETIRING = "retiring-0123456789abcdef01234567";
    static final String FRESH = "fresh-0123456789abcdef012345678901";
    static final String BENCH = "bench-0123456789abcdef0123456789012";
    static final List<String> ALL = List.of(READER, WRITER, DELETER, LISTER, ADMIN, RETIRING, FRESH, BENCH);

    static final String BASE_TOKENS = String.join("\n",
            "# one token per role",
            READER + " read",
            WRITER + " write,read",
            DELETER + " delete",
            LISTER + " list",
            ADMIN + " admin   # for the admin port",
            BENCH + " read,write,delete",
            "");

    @BeforeAll
    static void start() throws IOException {
        tokensFile = dir.resolve("api.tokens");
        writeTokens(BASE_TOKENS + RETIRING + " read\n");
        cluster = Cluster.start(dir.resolve("cluster"), 2, 2, "--tokens-file", tokensFile.toString(), "--admin-auth", "--access-log");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    /** Replaced whole and private, as an operator's editor or config tool would. */
    static void writeTokens(String text) throws IOException {
        Path next = dir.resolve("api.tokens.next");
        Files.writeString(next, text);
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
        Files.move(next, dir.resolve("api.tokens"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static HttpResponse<byte[]> call(String method, String rawPath, String token, byte[] body) {
        return call("http://127.0.0.1:" + cluster.port, method, rawPath, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token), body);
    }

    static HttpResponse<byte[]> call(String base, String method, String rawPath, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + rawPath))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return Http.send(b);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void without_a_token_every_request_is_401_with_a_bearer_challenge_and_a_json_error() {
        for (String[] m : List.of(new String[] {"GET", "/t/a"}, new String[] {"PUT", "/t/a"}, new String[] {"DELETE", "/t/a"},
                new String[] {"UNLINK", "/t/a"}, new String[] {"GET", "/t/?list"}, new String[] {"OPTIONS", "/t/a"})) {
            HttpResponse<byte[]> r = call(m[0], m[1], null, m[0].equals("PUT") ? bytes("v") : null);
            assertThat(r.statusCode()).as(m[0] + " " + m[1]).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"mkv\"");
            assertThat(Http.text(r)).contains("\"error\":\"a token is needed");
        }
        assertThat(cluster.hasFiles("/t/a")).as("a refused PUT writes nothing").isFalse();
        // A scheme other than Bearer brings no token.
        HttpResponse<byte[]> basic = call("http://127.0.0.1:" + cluster.port, "GET", "/t/a", Map.of("Authorization", "Basic dXNlcjpwYXNz"), null);
        assertThat(basic.statusCode()).isEqualTo(401);
    }

    @Test
    void a_wrong_token_is_401_invalid_token() {
        HttpResponse<byte[]> r = call("GET", "/t/a", READER + "x", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"mkv\", error=\"invalid_token\"");
        assertThat(Http.text(r)).doesNotContain(READER);
    }

    @Test
    void a_token_lacking_the_scope_is_403_for_each_kind_of_request() {
        record Case(String method, String path, String token, String scope) {}
        for (Case c : List.of(
                new Case("GET", "/t/s", LISTER, "read"), new Case("HEAD", "/t/s", DELETER, "read"),
                new Case("PUT", "/t/s", READER, "write"), new Case("DELETE", "/t/s", WRITER, "delete"),
                new Case("UNLINK", "/t/s", READER, "delete"), new Case("GET", "/t/?list", READER, "list"),
                new Case("GET", "/t/?unlinked", WRITER, "list"), new Case("GET", "/t/s", ADMIN, "read"))) {
            HttpResponse<byte[]> r = call(c.method(), c.path(), c.token(), c.method().equals("PUT") ? bytes("v") : null);
            assertThat(r.statusCode()).as(c.toString()).isEqualTo(403);
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(c.toString())
                    .hasValue("Bearer realm=\"mkv\", error=\"insufficient_scope\", scope=\"" + c.scope() + "\"");
            if (!c.method().equals("HEAD")) assertThat(Http.text(r)).contains("lacks the '" + c.scope() + "' scope");
        }
        assertThat(cluster.hasFiles("/t/s")).isFalse();
    }

    @Test
    void each_kind_of_request_works_with_its_scope() {
        assertThat(call("PUT", "/ok/k1", WRITER, bytes("one")).statusCode()).isEqualTo(201);
        assertThat(call("PUT", "/ok/k2", WRITER, bytes("two")).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> get = call("GET", "/ok/k1", READER, null);
        assertThat(get.statusCode()).isEqualTo(302);
        // The redirect needs no token: the volume is not the coordinator.
        assertThat(Http.text(Http.send(HttpRequest.newBuilder(URI.create(get.headers().firstValue("Location").orElseThrow())).GET())))
                .isEqualTo("one");
        assertThat(call("HEAD", "/ok/k1", READER, null).statusCode()).isEqualTo(302);
        assertThat(Http.text(call("GET", "/ok/?list", LISTER, null))).contains("/ok/k1", "/ok/k2");
        assertThat(call("UNLINK", "/ok/k1", DELETER, null).statusCode()).isEqualTo(204);
        assertThat(Http.text(call("GET", "/ok/?unlinked", LISTER, null))).contains("/ok/k1");
        assertThat(call("DELETE", "/ok/k2", DELETER, null).statusCode()).isEqualTo(204);
        // Past the check, the API answers as ever: 404, and 405 for a method it does not know.
        assertThat(call("GET", "/ok/k2", READER, null).statusCode()).isEqualTo(404);
        assertThat(call("OPTIONS", "/ok/k2", READER, null).statusCode()).isEqualTo(405);
    }

    @Test
    void sighup_adds_and_removes_tokens_and_a_broken_file_leaves_the_tokens_in_force() throws IOException {
        assertThat(call("GET", "/h/none", RETIRING, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/h/none", FRESH, null).statusCode()).isEqualTo(401);

        writeTokens(BASE_TOKENS + FRESH + " read\n");
        cluster.signalCoordinator("HUP");
        Ports.await("the new token to be accepted", Duration.ofSeconds(30), () -> call("GET", "/h/none", FRESH, null).statusCode() == 404);
        assertThat(call("GET", "/h/none", RETIRING, null).statusCode()).isEqualTo(401);

        // A broken file is refused as a whole, naming its line; what was in force stays.
        writeTokens(BASE_TOKENS + FRESH + " read,sudo\n");
        int refusals = cluster.log().split("reload: tokens refused", -1).length;
        cluster.signalCoordinator("HUP");
        Ports.await("the reload to refuse the file", Duration.ofSeconds(30),
                () -> cluster.log().split("reload: tokens refused", -1).length > refusals);
        assertThat(cluster.log()).contains(tokensFile + ":8: unknown scope 'sudo'");
        assertThat(call("GET", "/h/none", FRESH, null).statusCode()).isEqualTo(404);
        writeTokens(BASE_TOKENS + FRESH + " read\n");
    }

    @Test
    void the_admin_port_asks_for_the_admin_scope_when_admin_auth_is_on() {
        String admin = cluster.adminBase();
        for (String path : List.of("/metrics", "/livez", "/readyz", "/")) {
            assertThat(call(admin, "GET", path, Map.of(), null).statusCode()).as(path).isEqualTo(401);
            assertThat(call(admin, "GET", path, Map.of("Authorization", "Bearer " + READER), null).statusCode()).as(path).isEqualTo(403);
            assertThat(call(admin, "GET", path, Map.of("Authorization", "Bearer " + ADMIN), null).statusCode()).as(path).isEqualTo(200);
        }
        assertThat(Http.text(call(admin, "GET", "/metrics", Map.of("Authorization", "Bearer " + ADMIN), null))).contains("mkv_");
    }

    @Test
    void no_token_ever_appears_in_the_log_even_with_the_access_log_on() {
        // Traffic with every token, good and bad, so the access log has lines for each.
        for (String t : ALL) {
            call("GET", "/log/k", t, null);
            call("GET", "/log/k", t + "-wrong", null);
        }
        Ports.await("the access log to show the requests", Duration.ofSeconds(30), () -> cluster.log().contains("GET /log/k 401"));
        String log = cluster.log();
        for (String t : ALL) assertThat(log).doesNotContain(t).doesNotContain(t.substring(0, 20));
        assertThat(log).doesNotContain("Bearer ");
    }

    @Test
    void bench_sends_its_token_and_counts_refusals_by_status() throws Exception {
        Path file = dir.resolve("bench.token");
        Files.writeString(file, BENCH + "\n");
        String url = "http://127.0.0.1:" + cluster.port;
        Cluster.Started ok = cluster.startMkv("bench", "--url", url, "--phase", "cycle", "--keys", "5", "--follow", "--prefix", "/bench-ok/",
                "--token-file", file.toString(), "--quiet", "--json");
        Cluster.Started refused = cluster.startMkv("bench", "--url", url, "--phase", "put", "--keys", "3", "--prefix", "/bench-no/",
                "--token", READER, "--quiet", "--json");
        try {
            assertThat(ok.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(ok.process().exitValue()).as(ok.output()).isZero();
            assertThat(ok.output()).contains("\"ok\":5").contains("\"failed\":0");
            assertThat(refused.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.process().exitValue()).as("no operation succeeded: " + refused.output()).isEqualTo(1);
            assertThat(refused.output()).contains("\"PUT 403\":3");
        } finally {
            ok.kill();
            refused.kill();
        }
    }

    @Test
    void a_tokens_file_every_user_can_read_or_with_a_bad_line_refuses_the_start() throws Exception {
        Path open = dir.resolve("open.tokens");
        Files.writeString(open, READER + " read\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        assertRefused(List.of("--tokens-file", open.toString()), "tokens-file: " + open + " can be read by every user", "chmod 600");

        Path bad = dir.resolve("bad.tokens");
        Files.writeString(bad, "# ok\n" + READER + " read,root\n");
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
        assertRefused(List.of("--tokens-file", bad.toString()), "tokens-file: " + bad + ":2: unknown scope 'root'");
    }

    @Test
    void a_data_port_on_an_address_others_can_reach_without_tokens_is_refused_unless_insecure() throws Exception {
        assertRefused(List.of("--host", "0.0.0.0"), "host: the data port would listen on 0.0.0.0", "--tokens-file", "--insecure");
    }

    private static void assertRefused(List<String> extra, String... expected) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("server", "--volumes", cluster.volumeList(), "--replicas", "2",
                "--db", dir.resolve("refused-" + System.nanoTime() + ".db").toString(),
                "--port", Integer.toString(Ports.free()), "--admin-port", Integer.toString(Ports.free())));
        args.addAll(extra);
        Cluster.Started s = cluster.startMkv(args.toArray(String[]::new));
        try {
            assertThat(s.process().waitFor(60, TimeUnit.SECONDS)).as(s.output()).isTrue();
            assertThat(s.process().exitValue()).as(s.output()).isEqualTo(2);
            assertThat(s.output()).contains(expected).doesNotContain("Exception").doesNotContain(READER);
        } finally {
            s.kill();
        }
    }
}
