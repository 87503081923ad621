package mkv.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The pre-encoded 404 body is byte for byte what Jackson writes for the same error. */
class JsonTest {
    @Test
    void the_missing_key_body_equals_jacksons_for_any_key() {
        qt().withExamples(2000).forAll(strings().allPossible().ofLengthBetween(0, 40)).checkAssert(key ->
                assertThat(Json.noSuchKey(key)).isEqualTo(Json.encode(new Json.Error("no such key", key))));
    }

    @Test
    void keys_that_need_escaping_are_escaped_as_jackson_does() {
        for (String key : new String[] {"/plain", "/a\"quote", "/back\\slash", "/tab\there", "/nul\u0000", "/\u00e9t\u00e9", "/\ud83d\ude00", "/lone\ud83d", ""}) {
            assertThat(new String(Json.noSuchKey(key), StandardCharsets.UTF_8))
                    .isEqualTo(new String(Json.encode(new Json.Error("no such key", key)), StandardCharsets.UTF_8));
        }
        assertThat(new String(Json.noSuchKey("/k"), StandardCharsets.UTF_8)).isEqualTo("{\"error\":\"no such key\",\"key\":\"/k\"}");
    }
}
