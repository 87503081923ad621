package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.vavr.control.Either;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Key validation at its edges: what the HTTP shell turns into a 400, and what it lets through. */
class KeyTest {

    private static final int MAX = 1024;

    private static Key parsed(String raw) {
        Either<InvalidKey, Key> k = Key.parse(raw, MAX);
        assertThat(k.isRight()).as("%s should be a valid key, but: %s", raw, k.isLeft() ? k.getLeft() : "").isTrue();
        return k.get();
    }

    private static String rejected(String raw) {
        Either<InvalidKey, Key> k = Key.parse(raw, MAX);
        assertThat(k.isLeft()).as("%s should be rejected", raw).isTrue();
        return k.getLeft().reason();
    }

    @Test
    void an_empty_path_is_not_a_key() {
        assertThat(rejected("")).contains("empty");
        assertThat(Key.of("", MAX).getLeft().reason()).contains("empty");
        assertThat(Key.parse(null, MAX).isLeft()).isTrue();
    }

    @Test
    void the_bare_slash_is_not_a_key_but_is_a_listing_prefix() {
        assertThat(rejected("/")).contains("after /");
        assertThat(Key.parsePrefix("/", MAX)).isEqualTo(Either.right("/"));
        assertThatThrownBy(() -> new Key("/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_prefix_obeys_the_key_rules_otherwise() {
        assertThat(Key.parsePrefix("/photos/", MAX)).isEqualTo(Either.right("/photos/"));
        assertThat(Key.parsePrefix("/caf%C3%A9", MAX)).isEqualTo(Either.right("/café"));
        assertThat(Key.parsePrefix("", MAX).isLeft()).isTrue();
        assertThat(Key.parsePrefix("/a/../b", MAX).isLeft()).isTrue();
        assertThat(Key.parsePrefix("/%FF", MAX).getLeft().reason()).contains("UTF-8");
    }

    @Test
    void a_key_must_start_with_a_slash() {
        assertThat(Key.of("hello", MAX).getLeft().reason()).contains("start with /");
    }

    @Test
    void a_key_of_exactly_the_limit_in_bytes_is_valid() {
        String key = "/" + "a".repeat(1023);
        assertThat(parsed(key).bytes()).hasSize(1024);
        assertThat(Key.of(key, MAX).isRight()).isTrue();
    }

    @Test
    void a_key_one_byte_over_the_limit_is_rejected_and_says_so() {
        String reason = rejected("/" + "a".repeat(1024));
        assertThat(reason).contains("1025").contains("1024");
    }

    @Test
    void the_limit_counts_utf8_bytes_not_characters() {
        // 513 characters, 1025 bytes: é is two bytes of UTF-8.
        String key = "/" + "é".repeat(512);
        assertThat(key.length()).isLessThan(1024);
        assertThat(Key.of(key, MAX).getLeft().reason()).contains("1025").contains("1024");
        assertThat(rejected("/" + "%C3%A9".repeat(512))).contains("1025");
        // One é fewer fits with a byte to spare.
        assertThat(Key.of("/" + "é".repeat(511) + "a", MAX).isRight()).isTrue();
    }

    @Test
    void the_limit_is_configurable() {
        assertThat(Key.of("/abcd", 5).isRight()).isTrue();
        assertThat(Key.of("/abcde", 5).isLeft()).isTrue();
        // The constructor does not apply the configured limit, so larger limits still build keys.
        assertThat(Key.of("/" + "a".repeat(4000), 8192).isRight()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%C3%28", "/%FF", "/%C3", "/%C0%AF", "/%ED%A0%80", "/a%80b"})
    void invalid_utf8_is_rejected_never_replaced(String raw) {
        assertThat(rejected(raw)).contains("UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%00b", "/a%0Ab", "/a%0D", "/%7F", "/a\tb", "/%1B[31m", "/%C2%85"})
    void control_characters_are_rejected(String raw) {
        assertThat(rejected(raw)).contains("control character");
    }

    @Test
    void the_reason_names_the_control_character() {
        assertThat(rejected("/a%00b")).contains("U+0000");
        assertThat(rejected("/a%7F")).contains("U+007F");
    }

    @Test
    void an_escaped_slash_decodes_to_a_slash() {
        assertThat(parsed("/a%2Fb")).isEqualTo(new Key("/a/b"));
        assertThat(parsed("/a%2fb")).isEqualTo(new Key("/a/b"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%2", "/a%", "/%", "/abc%4"})
    void a_truncated_escape_is_rejected(String raw) {
        assertThat(rejected(raw)).contains("truncated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%zz", "/a%g0", "/a%0g", "/%%41", "/%-1"})
    void an_escape_that_is_not_hex_is_rejected(String raw) {
        assertThat(rejected(raw)).contains("invalid percent-escape");
    }

    @Test
    void raw_unicode_and_its_percent_encoding_are_the_same_key() {
        Key raw = parsed("/ünï/cødé ☃");
        Key encoded = parsed("/%C3%BCn%C3%AF/c%C3%B8d%C3%A9%20%E2%98%83");
        assertThat(raw).isEqualTo(encoded);
        assertThat(raw.value()).isEqualTo("/ünï/cødé ☃");
        assertThat(parsed("/%F0%9F%A6%8A")).isEqualTo(parsed("/🦊"));
    }

    @Test
    void a_plus_is_a_plus_not_a_space() {
        assertThat(parsed("/a+b").value()).isEqualTo("/a+b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/.", "/..", "/a/./b", "/a/../b", "/a/..", "/./a", "/a/%2E%2E/b", "/%2e"})
    void dot_and_dot_dot_segments_are_rejected(String raw) {
        assertThat(rejected(raw)).contains("'.' or '..' segment");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/...", "/.hidden", "/a./b", "/a/..b", "/a//b", "/a/", "/a b", "/~user", "/a?b", "/a#b"})
    void dots_inside_names_empty_segments_and_punctuation_are_fine(String raw) {
        assertThat(parsed(raw).value()).isEqualTo(raw);
    }

    @Test
    void an_unpaired_surrogate_is_rejected() {
        assertThat(Key.of("/a\uD800b", MAX).getLeft().reason()).contains("surrogate");
        assertThat(Key.of("/a\uDC00", MAX).getLeft().reason()).contains("surrogate");
        // Raw paths too: a lenient encoder would store "/a?b" instead.
        assertThat(rejected("/a\uD800b")).contains("surrogate");
        assertThat(rejected("/a%41\uD800")).contains("surrogate");
    }

    @Test
    void an_invalid_key_keeps_the_input_it_refused() {
        assertThat(Key.parse("/%zz", MAX).getLeft().input()).isEqualTo("/%zz");
        assertThat(Key.of("/a/../b", MAX).getLeft().input()).isEqualTo("/a/../b");
    }

    @Test
    void keys_order_by_utf8_bytes_not_by_utf16_chars() {
        assertThat(new Key("/Z")).isLessThan(new Key("/a"));
        assertThat(new Key("/a")).isLessThan(new Key("/é"));
        assertThat(new Key("/a")).isLessThan(new Key("/a/"));
        // UTF-16 puts the surrogate pair of 🦊 (U+1F98A) before U+FF21; UTF-8 bytes put it after.
        Key fullwidthA = new Key("/\uFF21");
        Key fox = new Key("/🦊");
        assertThat(fox.value().compareTo(fullwidthA.value())).isNegative();
        assertThat(fullwidthA).isLessThan(fox);
    }

    @Test
    void order_agrees_with_equality_for_any_keys() {
        qt().withExamples(500).forAll(Gens.keys(), Gens.keys()).checkAssert((a, b) -> {
            assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
            assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
            assertThat(a.compareTo(a)).isZero();
        });
    }

    @Test
    void any_valid_key_survives_percent_encoding_every_byte() {
        qt().withExamples(500).forAll(Gens.keys()).checkAssert(key -> {
            StringBuilder raw = new StringBuilder();
            for (byte b : key.value().getBytes(StandardCharsets.UTF_8)) raw.append(String.format("%%%02X", b & 0xff));
            assertThat(Key.parse(raw.toString(), MAX)).isEqualTo(Either.right(key));
        });
    }

    @Test
    void the_replacement_character_is_refused_since_it_marks_bytes_the_server_could_not_decode() {
        assertThat(Key.of("/a\uFFFDb", 1024).getLeft().reason()).contains("UTF-8");
        assertThat(Key.parse("/a%EF%BF%BDb", 1024).isLeft()).isTrue();
    }
}
