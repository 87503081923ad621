package mkv.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.vavr.control.Either;
import io.vavr.control.Option;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import mkv.domain.Md5;
import org.junit.jupiter.api.Test;

/** Reading Content-MD5: both encodings clients send, and a clear refusal of anything else. */
class ContentMd5Test {
    private static final Md5 HELLO = new Md5("5d41402abc4b2a76b9719d911017c592"); // md5("hello")

    @Test
    void base64_as_rfc_1864_says_and_hex_as_minikeyvalue_sends_name_the_same_md5() {
        assertThat(ContentMd5.parse("XUFAKrxLKna5cZ2REBfFkg==")).isEqualTo(Either.right(HELLO));
        assertThat(ContentMd5.parse("5d41402abc4b2a76b9719d911017c592")).isEqualTo(Either.right(HELLO));
        assertThat(ContentMd5.parse("5D41402ABC4B2A76B9719D911017C592")).isEqualTo(Either.right(HELLO));
        assertThat(ContentMd5.parse("XUFAKrxLKna5cZ2REBfFkg")).as("unpadded base64").isEqualTo(Either.right(HELLO));
        assertThat(ContentMd5.parse(" XUFAKrxLKna5cZ2REBfFkg== ")).as("surrounding blanks").isEqualTo(Either.right(HELLO));
    }

    @Test
    void any_digest_reads_back_the_same_from_either_encoding() {
        qt().withExamples(500).forAll(longs().all(), longs().all()).checkAssert((hi, lo) -> {
            byte[] digest = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
            Md5 md5 = Md5.of(digest);
            assertThat(ContentMd5.parse(Base64.getEncoder().encodeToString(digest))).isEqualTo(Either.right(md5));
            assertThat(ContentMd5.parse(HexFormat.of().formatHex(digest))).isEqualTo(Either.right(md5));
        });
    }

    @Test
    void anything_else_is_refused_with_a_message_that_names_both_accepted_forms() {
        byte[] fifteen = new byte[15];
        byte[] seventeen = new byte[17];
        for (String bad : List.of("", "hello", "5d41402abc4b2a76b9719d911017c59", "5d41402abc4b2a76b9719d911017c5921",
                "5d41402abc4b2a76b9719d911017c59g", Base64.getEncoder().encodeToString(fifteen),
                Base64.getEncoder().encodeToString(seventeen), "XUFAKrxLKna5cZ2REBfFkh==", "XUFAKrxLKna5cZ2REBfFkg=",
                "XUFAKrxLKna5cZ2REBfFkg===", "XUFAKrxLKna5cZ2REBf-kg==", "XUFA KrxLKna5cZ2REBfFkg==",
                "md5=5d41402abc4b2a76b9719d911017c592", "x".repeat(5000))) {
            Either<String, Md5> parsed = ContentMd5.parse(bad);
            assertThat(parsed.isLeft()).as("'%s' is refused", bad).isTrue();
            assertThat(parsed.getLeft()).contains("base64").contains("32 hex digits").hasSizeLessThan(300);
        }
    }

    @Test
    void no_header_declares_nothing_one_declares_its_md5_and_two_are_refused() {
        assertThat(ContentMd5.declared(List.of())).isEqualTo(Either.right(Option.none()));
        assertThat(ContentMd5.declared(List.of("XUFAKrxLKna5cZ2REBfFkg=="))).isEqualTo(Either.right(Option.some(HELLO)));
        assertThat(ContentMd5.declared(List.of("XUFAKrxLKna5cZ2REBfFkg==", "5d41402abc4b2a76b9719d911017c592")).getLeft())
                .contains("at most one Content-MD5");
        assertThat(ContentMd5.declared(List.of("nope")).isLeft()).isTrue();
    }
}
