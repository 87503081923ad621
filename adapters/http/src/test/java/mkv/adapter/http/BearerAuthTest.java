package mkv.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import org.junit.jupiter.api.Test;

/** Reading the token out of an Authorization header: Bearer only, its scheme in any case. */
class BearerAuthTest {
    @Test
    void only_the_bearer_scheme_brings_a_token() {
        assertThat(BearerAuth.bearer("Bearer abc.DEF-123")).isEqualTo(Option.some("abc.DEF-123"));
        assertThat(BearerAuth.bearer("bearer   abc  ")).isEqualTo(Option.some("abc"));
        assertThat(BearerAuth.bearer("BEARER abc")).isEqualTo(Option.some("abc"));
        assertThat(BearerAuth.bearer("Basic dXNlcjpwYXNz")).isEmpty();
        assertThat(BearerAuth.bearer("Bearer")).isEmpty();
        assertThat(BearerAuth.bearer("Bearer ")).isEmpty();
        assertThat(BearerAuth.bearer("Bearerabc")).isEmpty();
        assertThat(BearerAuth.bearer("")).isEmpty();
    }

    @Test
    void a_token_with_a_space_inside_is_kept_whole_and_so_matches_no_valid_token() {
        // Valid tokens hold no space (the tokens file refuses one), so this can only be refused as unknown.
        assertThat(BearerAuth.bearer("Bearer ab cd")).isEqualTo(Option.some("ab cd"));
    }
}
