package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Either;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Reading If-Match and If-None-Match into a PUT's condition; anything unclear is refused, never guessed. */
class PutConditionTest {

    private static final Md5 MD5 = new Md5("5d41402abc4b2a76b9719d911017c592");

    @Test
    void no_header_and_if_none_match_star_are_create_only() {
        assertThat(PutCondition.parse(null, null)).isEqualTo(Either.right(new PutCondition.CreateOnly()));
        assertThat(PutCondition.parse(null, "*")).isEqualTo(Either.right(new PutCondition.CreateOnly()));
        assertThat(PutCondition.parse(null, " * ")).isEqualTo(Either.right(new PutCondition.CreateOnly()));
    }

    @Test
    void if_match_star_replaces_any_live_value() {
        assertThat(PutCondition.parse("*", null)).isEqualTo(Either.right(new PutCondition.ReplaceAny()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"5d41402abc4b2a76b9719d911017c592\"", "5d41402abc4b2a76b9719d911017c592",
            "\"5D41402ABC4B2A76B9719D911017C592\"", " \"5d41402abc4b2a76b9719d911017c592\" "})
    void if_match_an_md5_quoted_or_bare_replaces_only_that_value(String header) {
        assertThat(PutCondition.parse(header, null)).isEqualTo(Either.right(new PutCondition.ReplaceIf(MD5)));
    }

    @Test
    void anything_else_is_refused_with_the_reason() {
        String other = "\"5d41402abc4b2a76b9719d911017c593\"";
        for (String ifMatch : new String[] {"\"abc\"", "W/\"5d41402abc4b2a76b9719d911017c592\"", "", "\"\"",
                "\"5d41402abc4b2a76b9719d911017c592\", " + other}) {
            assertThat(PutCondition.parse(ifMatch, null).getLeft()).as(ifMatch).startsWith("If-Match takes * or one md5");
        }
        assertThat(PutCondition.parse(null, other).getLeft()).startsWith("If-None-Match takes only *");
        assertThat(PutCondition.parse("*", "*").getLeft()).isEqualTo("send If-Match or If-None-Match, not both");
    }
}
