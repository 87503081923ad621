package mkv.domain.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.Seq;
import io.vavr.collection.TreeSet;
import org.junit.jupiter.api.Test;

/** The tokens file: its format, and errors that name file:line without ever quoting a token. */
class TokensTest {
    private static final String A = "a3f1c9e07b5d42e8a3f1c9e07b5d42e8";
    private static final String B = "Zm9vYmFyYmF6cXV4LXRva2VuLTEyMzQ=";

    @Test
    void each_line_grants_its_token_its_scopes_and_comments_and_blank_lines_are_skipped() {
        String text = "# readers and writers\n\n" + A + " read,write   # the app\n  " + B + "\tlist,admin\r\n";
        Tokens tokens = Tokens.parse("tokens", text).get();
        assertThat(tokens.size()).isEqualTo(2);
        assertThat(tokens.scopesOf(A).get()).isEqualTo(TreeSet.of(Scope.READ, Scope.WRITE));
        assertThat(tokens.scopesOf(B).get()).isEqualTo(TreeSet.of(Scope.LIST, Scope.ADMIN));
        assertThat(tokens.scopesOf("a3f1c9e07b5d42e8a3f1c9e07b5d42e9")).isEmpty();
        assertThat(tokens.scopesOf("")).isEmpty();
    }

    @Test
    void an_empty_file_is_valid_and_grants_nothing() {
        assertThat(Tokens.parse("t", "").get().size()).isZero();
        assertThat(Tokens.parse("t", "# nobody yet\n").get().size()).isZero();
    }

    @Test
    void every_bad_line_is_reported_with_file_and_line_and_none_quotes_its_token() {
        String shortToken = "tooshort";
        String text = String.join("\n",
                A + " read",                          // 1 fine
                B,                                    // 2 no scopes
                A.replace('a', 'b') + " read, write", // 3 three fields
                "x".repeat(20) + " read,sudo",        // 4 unknown scope
                shortToken + " read",                 // 5 too short
                "tok\"en-with-quote-xxxxxxxx read",   // 6 bad characters
                A + " write",                         // 7 duplicate
                B + " read,");                        // 8 empty scope
        Seq<String> errors = Tokens.parse("/etc/mkv/tokens", text).getLeft();
        assertThat(errors).hasSize(7);
        assertThat(errors.get(0)).startsWith("/etc/mkv/tokens:2: no scopes");
        assertThat(errors.get(1)).startsWith("/etc/mkv/tokens:3: expected TOKEN SCOPE");
        assertThat(errors.get(2)).startsWith("/etc/mkv/tokens:4: unknown scope 'sudo'");
        assertThat(errors.get(3)).startsWith("/etc/mkv/tokens:5: the token is shorter than 16");
        assertThat(errors.get(4)).startsWith("/etc/mkv/tokens:6: the token has characters");
        assertThat(errors.get(5)).startsWith("/etc/mkv/tokens:7: the same token is on an earlier line");
        assertThat(errors.get(6)).startsWith("/etc/mkv/tokens:8: unknown scope ''");
        assertThat(errors).noneMatch(e -> e.contains(A) || e.contains(B) || e.contains(shortToken) || e.contains("xxxxxxxx"));
    }

    @Test
    void a_hash_hides_its_bytes_from_to_string() {
        assertThat(TokenHash.of(A).toString()).doesNotContain(A).isEqualTo("TokenHash[hidden]");
        assertThat(TokenHash.of(A).matches(TokenHash.of(A))).isTrue();
        assertThat(TokenHash.of(A).matches(TokenHash.of(B))).isFalse();
    }
}
