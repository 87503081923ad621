package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real nginx volume from the generated config, with two keys (a rotation in progress): only a
 * request signed for its own method, path and a future expiry, by a listed key, gets through;
 * everything else answers 403 before any file is touched.
 */
class SignedVolumeTest {

    private static final String NEW = "newsecretnewsecretnewsecret0";
    private static final String OLD = "oldsecretoldsecretoldsecret0";
    private static final SigningKeys KEYS = SigningKeys.parse("k2 " + NEW + "\nk1 " + OLD).get();
    private static final String BLOB = "/sv00/ab/cd/abcd0123";
    private static final byte[] BYTES = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes();

    @TempDir
    static Path dir;
    private static NginxVolumeProcess volume;
    private static String base;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        int port = NginxVolumesTest.freePort();
        volume = NginxVolumeProcess.start(NginxConfig.of(dir.resolve("vol"), port, "root".equals(System.getProperty("user.name"))
                        ? Option.some(new WorkerUser("root", "root")) : Option.none())
                .withKeys(Option.some(KEYS)), Duration.ofSeconds(10));
        base = "http://127.0.0.1:" + port;
        http = HttpClient.newHttpClient();
        assertThat(send("PUT", signed("PUT", BLOB, NEW, "k2", soon()), BYTES).statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (http != null) http.close();
        if (volume != null) volume.close();
    }

    @Test
    void a_signed_read_gets_the_bytes_whole_by_range_and_by_head() throws Exception {
        String url = signed("GET", BLOB, NEW, "k2", soon());
        HttpResponse<byte[]> whole = send("GET", url, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(BYTES);
        HttpResponse<byte[]> part = http.send(HttpRequest.newBuilder(URI.create(url)).header("Range", "bytes=10-19").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(new String(part.body())).isEqualTo("abcdefghij");
        assertThat(send("HEAD", url, null).statusCode()).as("HEAD with the GET signature").isEqualTo(200);
    }

    @Test
    void no_signature_opens_nothing() throws Exception {
        assertThat(send("GET", base + BLOB, null).statusCode()).isEqualTo(403);
        assertThat(send("HEAD", base + BLOB, null).statusCode()).isEqualTo(403);
        assertThat(send("PUT", base + BLOB, "EVIL!!".getBytes()).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", base + BLOB, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", base + "/sv00/ab/cd/", null).statusCode()).as("listing").isEqualTo(403);
        assertThat(send("GET", base + "/", null).statusCode()).as("listing the root").isEqualTo(403);
        assertUntouched();
    }

    @Test
    void a_read_signature_writes_deletes_and_lists_nothing() throws Exception {
        long e = soon();
        String sig = UrlSigner.signature(NEW, e, "GET", BLOB);
        String query = "?kid=k2&expires=" + e + "&sig=" + sig;
        assertThat(send("PUT", base + BLOB + query, "EVIL!!".getBytes()).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", base + BLOB + query, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", base + "/sv00/ab/cd/" + query, null).statusCode()).as("the folder").isEqualTo(403);
        assertThat(send("GET", base + BLOB + ".key" + query, null).statusCode()).as("its sidecar").isEqualTo(403);
        assertThat(send("GET", base + "/sv00/ab/cd/../cd/abcd0123x" + query, null).statusCode()).as("another path").isEqualTo(403);
        assertUntouched();
    }

    @Test
    void forged_expired_and_tampered_signatures_are_refused() throws Exception {
        long e = soon();
        String good = UrlSigner.signature(NEW, e, "GET", BLOB);
        assertThat(send("GET", base + BLOB + "?kid=k2&expires=" + e + "&sig=AAAAAAAAAAAAAAAAAAAAAA", null).statusCode()).as("forged").isEqualTo(403);
        assertThat(send("GET", base + BLOB + "?kid=k2&expires=" + (e + 1) + "&sig=" + good, null).statusCode()).as("expiry moved").isEqualTo(403);
        long past = System.currentTimeMillis() / 1000 - 5;
        assertThat(send("GET", signed("GET", BLOB, NEW, "k2", past), null).statusCode()).as("expired").isEqualTo(403);
        assertThat(send("GET", base + BLOB + "?kid=k9&expires=" + e + "&sig=" + UrlSigner.signature("", e, "GET", BLOB), null).statusCode())
                .as("an unknown key id, signed with an empty secret").isEqualTo(403);
        assertThat(send("GET", base + BLOB + "?kid=k1&expires=" + e + "&sig=" + good, null).statusCode()).as("another key's id").isEqualTo(403);
        assertThat(send("GET", base + BLOB + "?kid=k2&sig=" + UrlSigner.signature(NEW, 0, "GET", BLOB).replace("0", ""), null).statusCode())
                .as("no expiry").isEqualTo(403);
        String noExpiry = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest.getInstance("MD5")
                .digest(("GET" + BLOB + " " + NEW).getBytes()));
        assertThat(send("GET", base + BLOB + "?kid=k2&sig=" + noExpiry, null).statusCode()).as("a never-expiring signature").isEqualTo(403);
        assertThat(send("GET", signed("GET", BLOB, "anothersecretanothersecret", "k2", e), null).statusCode()).as("wrong secret").isEqualTo(403);
    }

    @Test
    void during_a_rotation_both_keys_are_accepted_and_a_retired_one_is_not() throws Exception {
        assertThat(send("GET", signed("GET", BLOB, OLD, "k1", soon()), null).statusCode()).as("the old key").isEqualTo(200);
        assertThat(send("GET", signed("GET", BLOB, NEW, "k2", soon()), null).statusCode()).as("the new key").isEqualTo(200);
        assertThat(send("GET", signed("GET", BLOB, "retiredretiredretired0", "k0", soon()), null).statusCode()).as("a key no longer listed")
                .isEqualTo(403);
    }

    @Test
    void a_signed_delete_and_listing_work() throws Exception {
        String path = "/sv00/ef/01/ef01";
        assertThat(send("PUT", signed("PUT", path, OLD, "k1", soon()), BYTES).statusCode()).isEqualTo(201);
        HttpResponse<byte[]> listing = send("GET", signed("GET", "/sv00/ef/01/", NEW, "k2", soon()), null);
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(new String(listing.body())).contains("\"ef01\"");
        assertThat(send("DELETE", signed("DELETE", path, NEW, "k2", soon()), null).statusCode()).isEqualTo(204);
        assertThat(Files.exists(volume.config().dataRoot().resolve(path.substring(1)))).isFalse();
    }

    @Test
    void the_config_that_holds_the_secrets_is_readable_by_its_owner_only() throws Exception {
        assertThat(Files.readString(volume.config().configFile())).contains(NEW);
        assertThat(Files.getPosixFilePermissions(volume.config().configFile()))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    private static void assertUntouched() throws Exception {
        assertThat(Files.readAllBytes(volume.config().dataRoot().resolve(BLOB.substring(1)))).isEqualTo(BYTES);
    }

    private static long soon() {
        return System.currentTimeMillis() / 1000 + 60;
    }

    private static String signed(String method, String path, String secret, String kid, long expires) {
        return base + path + "?kid=" + kid + "&expires=" + expires + "&sig=" + UrlSigner.signature(secret, expires, method, path);
    }

    private static HttpResponse<byte[]> send(String method, String url, byte[] body) throws Exception {
        var publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, publisher).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
