package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secret file: its format, its mistakes named without the secret, and its permissions. */
class SigningKeysTest {

    @Test
    void the_first_key_signs_and_every_key_is_kept_in_order() {
        SigningKeys keys = SigningKeys.parse("# rotation in progress\nk2 newnewnewnewnewnew1\n\n  k1   oldoldoldoldoldold1  \n").get();
        assertThat(keys.signing().id()).isEqualTo("k2");
        assertThat(keys.keys().map(SigningKeys.Key::id)).containsExactly("k2", "k1");
        assertThat(keys.keys().get(1).secret()).isEqualTo("oldoldoldoldoldold1");
    }

    @Test
    void each_mistake_is_named_by_its_line_and_never_quotes_a_secret() {
        assertThat(SigningKeys.parse("").getLeft()).contains("no key");
        assertThat(SigningKeys.parse("# only a comment\n").getLeft()).contains("no key");
        assertThat(SigningKeys.parse("justasecretwithnoid1234").getLeft()).contains("line 1").contains("KEYID SECRET");
        assertThat(SigningKeys.parse("k1 short").getLeft()).contains("line 1").contains("16-256").doesNotContain("short");
        assertThat(SigningKeys.parse("k1 has\"quote\"inside12345").getLeft()).doesNotContain("quote");
        assertThat(SigningKeys.parse("K1 abcdefghijklmnop").getLeft()).contains("key id 'K1'");
        assertThat(SigningKeys.parse("k1 abcdefghijklmnop\nk1 qrstuvwxyzabcdef").getLeft()).contains("line 2").contains("twice");
        assertThat(SigningKeys.parse("k1 abcd$efghijklmnop").getLeft()).contains("16-256");
    }

    @Test
    void a_key_never_shows_its_secret_when_printed() {
        assertThat(SigningKeys.parse("k1 abcdefghijklmnopqrst").get().toString()).doesNotContain("abcdefghijklmnopqrst");
    }

    @Test
    void a_generated_file_parses_and_differs_every_time() {
        String a = SigningKeys.generate(new SecureRandom());
        assertThat(SigningKeys.parse(a).get().signing().secret()).hasSize(43);
        assertThat(SigningKeys.parse(SigningKeys.generate(new SecureRandom())).get()).isNotEqualTo(SigningKeys.parse(a).get());
    }

    @Test
    void a_file_anyone_may_read_is_refused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "k1 abcdefghijklmnopqrst\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(SigningKeys.read(file).getLeft()).contains("chmod 600");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(SigningKeys.read(file).get().signing().id()).isEqualTo("k1");
        assertThat(SigningKeys.read(dir.resolve("none")).getLeft()).contains("no such file");
    }
}
