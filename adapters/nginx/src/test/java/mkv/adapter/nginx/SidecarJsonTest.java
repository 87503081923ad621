package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Sidecar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The sidecar codec: what encode writes, decode reads back exactly; anything else rebuild must not trust is refused. */
class SidecarJsonTest {

    private static final String GOOD = """
            {"key":"/a/b","size":5,"md5":"0123456789abcdef0123456789abcdef","state":"LIVE","created":1700000000000,"generation":42,"format":2}""";

    /** Written before generations: still read, as generation 0. */
    private static final String FORMAT_1 = """
            {"key":"/a/b","size":5,"md5":"0123456789abcdef0123456789abcdef","state":"LIVE","created":1700000000000,"format":1}""";

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void any_sidecar_survives_encode_then_decode() {
        // Gens.keys() maps every generated text to a valid key, so the theory never runs out of
        // examples (filtering random unicode with an assumption gave up on some seeds).
        qt().forAll(mkv.domain.Gens.keys(), longs().between(0, Long.MAX_VALUE),
                        longs().all(), longs().between(-1L << 40, 1L << 42))
                .checkAssert((key, size, bits, millis) -> {
                    Md5 md5 = new Md5(String.format("%016x%016x", bits, bits * 31 + 7));
                    EntryState state = (bits & 1) == 0 ? EntryState.LIVE : EntryState.UNLINKED;
                    Sidecar sidecar = new Sidecar(key, size, md5, state, Instant.ofEpochMilli(millis), size % 1000, Sidecar.FORMAT);
                    assertThat(SidecarJson.decode(SidecarJson.encode(sidecar)).get()).isEqualTo(sidecar);
                });
    }

    @Test
    void a_key_with_unicode_quotes_and_backslashes_round_trips() {
        Sidecar sidecar = new Sidecar(new Key("/ünï/\"quoted\"\\back/🦊 ☃"), 1, new Md5("ffffffffffffffffffffffffffffffff"),
                EntryState.UNLINKED, Instant.ofEpochMilli(0), Sidecar.FORMAT);
        assertThat(SidecarJson.decode(SidecarJson.encode(sidecar)).get()).isEqualTo(sidecar);
    }

    @Test
    void the_encoding_is_pinned() {
        Sidecar sidecar = new Sidecar(new Key("/a/b"), 5, new Md5("0123456789abcdef0123456789abcdef"), EntryState.LIVE,
                Instant.ofEpochMilli(1_700_000_000_000L), 42, 2);
        assertThat(new String(SidecarJson.encode(sidecar), StandardCharsets.UTF_8)).isEqualTo(GOOD);
        assertThat(SidecarJson.decode(bytes(GOOD)).get()).isEqualTo(sidecar);
    }

    @Test
    void a_format_1_sidecar_still_decodes_as_generation_0() {
        Sidecar old = SidecarJson.decode(bytes(FORMAT_1)).get();
        assertThat(old).isEqualTo(new Sidecar(new Key("/a/b"), 5, new Md5("0123456789abcdef0123456789abcdef"), EntryState.LIVE,
                Instant.ofEpochMilli(1_700_000_000_000L), 0, 1));
        // Rewritten, it says the same in format 2.
        assertThat(SidecarJson.decode(SidecarJson.encode(old)).get().sameFacts(old)).isTrue();
        assertThat(new String(SidecarJson.encode(old), StandardCharsets.UTF_8)).contains("\"generation\":0,\"format\":2");
    }

    @Test
    void a_newer_format_is_refused() {
        assertThat(SidecarJson.decode(bytes(GOOD.replace("\"format\":2", "\"format\":3"))).getLeft()).contains("newer");
    }

    @Test
    void a_negative_generation_is_refused() {
        assertThat(SidecarJson.decode(bytes(GOOD.replace("\"generation\":42", "\"generation\":-1"))).getLeft())
                .isEqualTo("sidecar has a negative generation");
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "size", "md5", "state", "created", "generation", "format"})
    void a_missing_field_is_refused(String field) {
        String json = GOOD.replaceAll("\"" + field + "\":(\"[^\"]*\"|\\d+),?", "").replace(",}", "}");
        assertThat(json).doesNotContain("\"" + field + "\"");
        assertThat(SidecarJson.decode(bytes(json)).getLeft()).startsWith("sidecar has no ").endsWith("'" + field + "'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "\"md5\":\"0123456789abcdef0123456789abcde\"  | sidecar not an md5 hex digest: 0123456789abcdef0123456789abcde",
            "\"md5\":\"0123456789abcdef0123456789abcdeg\" | sidecar not an md5 hex digest: 0123456789abcdef0123456789abcdeg",
            "\"md5\":5                                 | sidecar has no text 'md5'",
            "\"key\":\"no-leading-slash\"                | sidecar holds an invalid key: not a valid key: no-leading-slash",
            "\"key\":\"/a/../b\"                         | sidecar holds an invalid key: not a valid key: /a/../b",
            "\"state\":\"WRITING\"                       | sidecar state 'WRITING' is neither LIVE nor UNLINKED",
            "\"size\":-1                               | sidecar has a negative size",
            "\"size\":\"5\"                              | sidecar has no integer 'size'",
            "\"created\":1.5                           | sidecar has no integer 'created'",
            "\"format\":0                              | sidecar format 0 is not a known format"})
    void a_bad_field_is_refused_with_the_reason(String replacement, String reason) {
        String field = replacement.substring(1, replacement.indexOf('"', 1));
        String json = GOOD.replaceAll("\"" + field + "\":(\"[^\"]*\"|\\d+)", java.util.regex.Matcher.quoteReplacement(replacement));
        assertThat(json).contains(replacement);
        assertThat(SidecarJson.decode(bytes(json)).getLeft()).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``       | sidecar is not a JSON object",
            "[]       | sidecar is not a JSON object",
            "null     | sidecar is not a JSON object",
            "{        | sidecar is not JSON: ",
            "\"text\" | sidecar is not a JSON object"})
    void something_that_is_not_a_sidecar_object_is_refused_with_the_reason(String json, String reason) {
        assertThat(SidecarJson.decode(bytes(json)).getLeft()).startsWith(reason);
    }
}
