package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The signature nginx's secure_link_md5 checks, pinned by vectors computed outside Java. */
class UrlSignerTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String BLOB = "/sv00/2c/26/2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private static final UrlSigner SIGNER = new UrlSigner(SigningKeys.parse("k1 " + SECRET + "\nk0 olderolderolderolder").get());

    @Test
    void the_signature_is_base64url_md5_of_expiry_method_uri_and_secret_without_padding() {
        // printf '%s' '1700000000GET/sv00/2c/26/2c26…e7ae 0123456789abcdef0123456789abcdef' | openssl md5 -binary | base64 | tr '+/' '-_' | tr -d '='
        assertThat(UrlSigner.signature(SECRET, 1_700_000_000L, "GET", BLOB)).isEqualTo("MVdPpKUo2Q1IAjJq2sV5yw");
        // the same with PUT
        assertThat(UrlSigner.signature(SECRET, 1_700_000_000L, "PUT", BLOB)).isEqualTo("MTWzfaXmoqWINa86W5BQvg");
        // a folder: '2000000000GET/sv07/ab/ 0123…cdef'
        assertThat(UrlSigner.signature(SECRET, 2_000_000_000L, "GET", "/sv07/ab/")).isEqualTo("tmgm98qPJRBrPcnG33hbqw");
    }

    @Test
    void head_is_signed_as_get_so_one_read_url_serves_both() {
        assertThat(UrlSigner.signature(SECRET, 1_700_000_000L, "HEAD", BLOB)).isEqualTo("MVdPpKUo2Q1IAjJq2sV5yw");
        assertThat(SIGNER.sign("HEAD", "http://v:1", BLOB, 1_700_000_000L)).isEqualTo(SIGNER.sign("GET", "http://v:1", BLOB, 1_700_000_000L));
    }

    @Test
    void a_signed_url_names_the_first_key_its_expiry_and_the_signature() {
        assertThat(SIGNER.sign("GET", "http://127.0.0.1:3001", BLOB, 1_700_000_000L))
                .isEqualTo("http://127.0.0.1:3001" + BLOB + "?kid=k1&expires=1700000000&sig=MVdPpKUo2Q1IAjJq2sV5yw");
        assertThat(SIGNER.sign("PUT", "http://h:1", BLOB, 1_700_000_000L)).endsWith("&sig=MTWzfaXmoqWINa86W5BQvg");
    }

    @Test
    void every_method_path_and_expiry_has_its_own_signature() {
        String get = UrlSigner.signature(SECRET, 1_700_000_000L, "GET", BLOB);
        assertThat(UrlSigner.signature(SECRET, 1_700_000_001L, "GET", BLOB)).isNotEqualTo(get);
        assertThat(UrlSigner.signature(SECRET, 1_700_000_000L, "DELETE", BLOB)).isNotEqualTo(get);
        assertThat(UrlSigner.signature(SECRET, 1_700_000_000L, "GET", BLOB + ".key")).isNotEqualTo(get);
        assertThat(UrlSigner.signature(SECRET.replace('0', '1'), 1_700_000_000L, "GET", BLOB)).isNotEqualTo(get);
    }

    @Test
    void unsigned_leaves_the_url_as_it_is() {
        assertThat(UrlSigner.UNSIGNED.sign("GET", "http://h:1", BLOB, 1L)).isEqualTo("http://h:1" + BLOB);
        assertThat(UrlSigner.UNSIGNED.signs()).isFalse();
    }
}
