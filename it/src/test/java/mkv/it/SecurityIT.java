package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mkv.domain.BlobPath;
import mkv.domain.Key;
import mkv.domain.Replica;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's attacks on a signed cluster of real processes, each refused, and the legitimate
 * paths still open: a volume answers only what mkv signed, for that method, path and time.
 */
class SecurityIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final byte[] HELLO = "hello, signed world\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    private static Cluster cluster;
    private static Http http;

    @BeforeAll
    static void start() {
        cluster = Cluster.start(dir.resolve("c"), 3, 2);
        http = new Http(cluster.base());
        assertThat(http.put("/sec/hello.txt", HELLO).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void a_volume_answers_no_unsigned_request_to_read_write_delete_or_list() {
        // The blob's path as the 302 names it (generation included), without the signature.
        URI location = URI.create(http.get("/sec/hello.txt").headers().firstValue("Location").orElseThrow());
        String path = location.getRawPath();
        String base = "http://127.0.0.1:" + location.getPort();
        assertThat(send("GET", location.toString(), null).statusCode()).as("signed").isEqualTo(200);
        assertThat(send("GET", base + path, null).statusCode()).as("read").isEqualTo(403);
        assertThat(send("GET", base + path + ".key", null).statusCode()).as("the sidecar, which names the key").isEqualTo(403);
        assertThat(send("PUT", base + path, "EVIL!!".getBytes()).statusCode()).as("overwrite").isEqualTo(403);
        assertThat(send("PUT", base + "/sv00/00/00/forged", "EVIL!!".getBytes()).statusCode()).as("a new file").isEqualTo(403);
        assertThat(send("DELETE", base + path, null).statusCode()).as("delete").isEqualTo(403);
        assertThat(send("GET", base + path.substring(0, path.lastIndexOf('/') + 1), null).statusCode()).as("list").isEqualTo(403);
        assertThat(send("GET", base + "/", null).statusCode()).as("list the root").isEqualTo(403);
        assertThat(http.read("/sec/hello.txt").body()).isEqualTo(HELLO);
    }

    @Test
    void a_read_url_from_a_302_writes_deletes_and_lists_nothing_and_tampering_breaks_it() {
        URI location = URI.create(http.get("/sec/hello.txt").headers().firstValue("Location").orElseThrow());
        String query = "?" + location.getRawQuery();
        String origin = location.getScheme() + "://" + location.getRawAuthority();
        String path = location.getRawPath();
        assertThat(location.getRawQuery()).matches("kid=k1&expires=\\d+&sig=[A-Za-z0-9_-]{22}");
        assertThat(send("GET", location.toString(), null).statusCode()).isEqualTo(200);
        assertThat(send("PUT", location.toString(), "EVIL!!".getBytes()).statusCode()).as("PUT with a GET signature").isEqualTo(403);
        assertThat(send("DELETE", location.toString(), null).statusCode()).as("DELETE with a GET signature").isEqualTo(403);
        assertThat(send("GET", origin + path.substring(0, path.lastIndexOf('/') + 1) + query, null).statusCode()).as("its folder").isEqualTo(403);
        assertThat(send("GET", origin + path + ".key" + query, null).statusCode()).as("its sidecar").isEqualTo(403);
        String otherKey = BlobPath.of(new Key("/sec/other"), replica("/sec/hello.txt")).path();
        assertThat(send("GET", origin + otherKey + query, null).statusCode()).as("another path").isEqualTo(403);
        String later = query.replaceFirst("expires=(\\d+)", "expires=" + (Long.parseLong(query.replaceAll(".*expires=(\\d+).*", "$1")) + 3600));
        assertThat(send("GET", origin + path + later, null).statusCode()).as("a later expiry").isEqualTo(403);
        String forged = query.replaceFirst("sig=[^&]+", "sig=" + "A".repeat(22));
        assertThat(send("GET", origin + path + forged, null).statusCode()).as("a forged signature").isEqualTo(403);
        assertThat(send("GET", origin + path + query.replace("kid=k1", "kid=k9"), null).statusCode()).as("another key id").isEqualTo(403);
        assertThat(http.read("/sec/hello.txt").body()).as("nothing changed").isEqualTo(HELLO);
    }

    @Test
    void an_expired_signature_is_refused_with_403_not_410() {
        URI location = URI.create(http.get("/sec/hello.txt").headers().firstValue("Location").orElseThrow());
        int v = cluster.volumePorts.indexOf(location.getPort());
        long past = System.currentTimeMillis() / 1000 - 2;
        assertThat(send("GET", cluster.signedUrl("GET", v, location.getRawPath(), past), null).statusCode()).isEqualTo(403);
        assertThat(send("GET", cluster.signedUrl("GET", v, location.getRawPath()), null).statusCode()).as("the same, valid").isEqualTo(200);
    }

    @Test
    void curl_follows_the_redirect_whole_and_with_a_range() throws Exception {
        byte[] big = new byte[100_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
        assertThat(http.put("/sec/big.bin", big).statusCode()).isEqualTo(201);
        Path whole = dir.resolve("whole.bin");
        assertThat(curl("-sfL", "-o", whole.toString(), cluster.base() + "/sec/big.bin")).isZero();
        assertThat(Files.readAllBytes(whole)).isEqualTo(big);
        Path part = dir.resolve("part.bin");
        assertThat(curl("-sfL", "-r", "1000-1999", "-o", part.toString(), cluster.base() + "/sec/big.bin")).isZero();
        assertThat(Files.readAllBytes(part)).isEqualTo(java.util.Arrays.copyOfRange(big, 1000, 2000));
        Path head = dir.resolve("head.txt");
        assertThat(curl("-sfIL", "-o", head.toString(), cluster.base() + "/sec/big.bin")).isZero();
        assertThat(Files.readString(head)).contains("302").contains("200").contains("Content-Length: 100000");
    }

    @Test
    void an_unlinked_value_gets_no_new_url_and_its_guessable_path_stays_closed() {
        assertThat(http.put("/sec/unlinked", "secret stuff").statusCode()).isEqualTo(201);
        assertThat(http.unlink("/sec/unlinked").statusCode()).isEqualTo(204);
        HttpResponse<byte[]> after = http.get("/sec/unlinked");
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(after.headers().firstValue("Location")).isEmpty();
        for (Replica r : cluster.placement("/sec/unlinked")) {
            String url = "http://127.0.0.1:" + r.volume().port() + BlobPath.of(new Key("/sec/unlinked"), cluster.generation("/sec/unlinked"), r).path();
            assertThat(send("GET", url, null).statusCode()).as("by its sha-256 path, unsigned").isEqualTo(403);
        }
        assertThat(cluster.hasFiles("/sec/unlinked")).as("the bytes are still there, unlinked, not lost").isTrue();
    }

    @Test
    void admin_tools_work_with_the_secret_and_are_refused_without_it() {
        Cluster.Run verify = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(), "--grace", "1h");
        assertThat(verify.exit()).as(verify.output()).isZero();
        Cluster.Run rebuild = cluster.mkv(DEADLINE, "rebuild", "--volumes", cluster.volumeList(), "--db", dir.resolve("rebuilt.db").toString());
        assertThat(rebuild.exit()).as(rebuild.output()).isZero();
        assertThat(rebuild.output()).contains("damage: none");
        Cluster.Run unsigned = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(), "--insecure");
        assertThat(unsigned.exit()).as(unsigned.output()).isNotZero();
        assertThat(unsigned.output()).contains("403");
        Path wrong = dir.resolve("wrong-secret");
        write600(wrong, "k1 wrongwrongwrongwrongwrong\n");
        Cluster.Run forged = cluster.mkv(DEADLINE, "rebuild", "--volumes", cluster.volumeList(), "--db", dir.resolve("forged.db").toString(),
                "--secret-file", wrong.toString());
        assertThat(forged.exit()).as(forged.output()).isNotZero();
        assertThat(forged.output()).contains("403");
    }

    @Test
    void server_volume_and_admin_tools_refuse_to_start_without_a_secret_unless_insecure() {
        Cluster.Run server = cluster.mkvAsGiven(DEADLINE, "server", "--volumes", cluster.volumeList(), "--db", dir.resolve("none.db").toString(),
                "--port", Integer.toString(Ports.free()));
        assertThat(server.exit()).as(server.output()).isEqualTo(2);
        assertThat(server.output()).contains("secret-file").contains("--insecure").doesNotContain("Exception");
        assertThat(Files.exists(dir.resolve("none.db"))).isFalse();
        Cluster.Run volume = cluster.mkvAsGiven(DEADLINE, "volume", "--dir", dir.resolve("v").toString(), "--port", Integer.toString(Ports.free()));
        assertThat(volume.exit()).as(volume.output()).isEqualTo(2);
        assertThat(volume.output()).contains("--secret-file").contains("--insecure");
        Cluster.Run bare = cluster.mkvAsGiven(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString());
        assertThat(bare.exit()).as(bare.output()).isEqualTo(2);
        assertThat(bare.output()).contains("--secret-file").contains("--insecure");
        Cluster.Run verify = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(),
                "--secret-file", dir.resolve("missing").toString());
        assertThat(verify.exit()).as(verify.output()).isEqualTo(2);
        assertThat(verify.output()).contains("no such file");
        Path open = dir.resolve("world-readable");
        write600(open, "k1 abcdefghijklmnopqrstuvwxyz\n");
        try {
            Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Cluster.Run loose = cluster.mkv(DEADLINE, "server", "--volumes", cluster.volumeList(), "--db", dir.resolve("loose.db").toString(),
                "--port", Integer.toString(Ports.free()), "--secret-file", open.toString());
        assertThat(loose.exit()).as(loose.output()).isEqualTo(2);
        assertThat(loose.output()).contains("chmod 600");
    }

    @Test
    void an_insecure_coordinator_says_so_and_its_admin_port_stays_on_loopback() throws Exception {
        try (Cluster open = Cluster.start(dir.resolve("insecure"), 1, 1, "--insecure", "--host", "0.0.0.0")) {
            assertThat(open.log()).contains("insecure: no secret file");
            String ready = Http.text(new Http(open.adminBase()).get("/readyz"));
            assertThat(ready).contains("\"ready\":true").contains("insecure: no secret file");
            // Its volume is unsigned, as it must be for such a coordinator: a plain read works.
            Http api = new Http(open.base());
            assertThat(api.put("/open", "x").statusCode()).isEqualTo(201);
            assertThat(api.read("/open").body()).isEqualTo("x".getBytes());
            // The data port took --host 0.0.0.0; the admin port kept its own default, 127.0.0.1.
            var outside = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                    .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress()).findFirst();
            if (outside.isPresent()) {
                assertThat(connects(outside.get(), open.port)).as("data port on " + outside.get()).isTrue();
                assertThat(connects(outside.get(), open.adminPort)).as("admin port on " + outside.get()).isFalse();
            }
        }
        assertThat(Http.text(new Http(cluster.adminBase()).get("/readyz"))).contains("\"warnings\":[]");
    }

    private static boolean connects(java.net.InetAddress address, int port) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Replica replica(String key) {
        return cluster.placement(key).get(0);
    }

    static HttpResponse<byte[]> send(String method, String url, byte[] body) {
        var publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        return Http.send(HttpRequest.newBuilder(URI.create(url)).method(method, publisher));
    }

    static void write600(Path file, String text) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "--max-time", "60"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("curl.log").toFile()).start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }
}
