package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The allocation-free key checks decide exactly as the plain definitions they replaced. */
class KeyCheckTest {
    private static final List<String> PIECES = List.of("/", ".", "..", "a", "é", "€", "😀", "//", "/.", "./");

    private static Gen<String> paths() {
        return lists().of(integers().between(0, PIECES.size() - 1)).ofSizeBetween(0, 12)
                .map(is -> "/" + String.join("", is.stream().map(PIECES::get).toList()));
    }

    /** The definition: a segment between slashes is "." or "..", or the UTF-8 is over the limit. */
    private static boolean acceptedByDefinition(String s, int maxBytes) {
        if (s.length() == 1) return false;
        for (String segment : s.split("/", -1)) if (segment.equals(".") || segment.equals("..")) return false;
        return s.getBytes(StandardCharsets.UTF_8).length <= maxBytes;
    }

    @Test
    void dot_segments_and_the_byte_limit_are_judged_as_by_split_and_getBytes() {
        qt().forAll(paths(), integers().between(1, 40))
                .checkAssert((s, max) -> assertThat(Key.of(s, max).isRight()).as(s + " max " + max)
                        .isEqualTo(acceptedByDefinition(s, max)));
    }

    @Test
    void the_digest_is_sha256_of_the_utf8_bytes_every_time() {
        Key k = new Key("/a/€/😀");
        assertThat(k.digest()).isEqualTo("" + java.util.HexFormat.of().formatHex(Key.sha256(k.bytes())));
        assertThat(k.digest()).isEqualTo(k.digest());
    }
}
