package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.vavr.control.Option;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden values for the on-disk layout. If one of these fails, the change orphans every blob
 * already stored: do not "fix" the expected strings, fix the code (or write a migration).
 * The digests were computed outside Java, with {@code printf '%s' KEY | sha256sum}.
 */
class BlobPathTest {

    private static final Pattern LAYOUT = Pattern.compile("^/sv\\d\\d/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /hello            | 13a7bc88b63d361f5752d7ef3f5c96cd262ef580e6f435cced6bd10ec82842b0
            /a/b/c.txt        | fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee
            /ünï/cødé ☃       | 1e0d039b16a5cece07b9cb4bd79d36cccb56980cf02e50467d753b5de51a768a
            /with some spaces | 29c01b03173a7e0942cd3d619237d88e6b9d4223d960e93e4666cb5170faac58
            /🦊/emoji         | d571b30b32a68dba490ee1547d9d9440c651d2fd7a67061f35163f5c37c3b733
            """)
    void the_digest_is_the_hex_sha256_of_the_keys_utf8_bytes(String key, String digest) {
        assertThat(new Key(key).digest()).isEqualTo(digest);
    }

    @Test
    void the_blob_path_of_hello_is_pinned() {
        BlobPath p = BlobPath.of(new Key("/hello"), 0);
        assertThat(p.path()).isEqualTo("/sv00/13/a7/13a7bc88b63d361f5752d7ef3f5c96cd262ef580e6f435cced6bd10ec82842b0");
        assertThat(p.sidecarPath()).isEqualTo("/sv00/13/a7/13a7bc88b63d361f5752d7ef3f5c96cd262ef580e6f435cced6bd10ec82842b0.key");
    }

    @Test
    void the_blob_path_of_a_nested_key_is_pinned() {
        BlobPath p = BlobPath.of(new Key("/a/b/c.txt"), 7);
        assertThat(p.path()).isEqualTo("/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee");
        assertThat(p.sidecarPath()).isEqualTo("/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.key");
    }

    @Test
    void the_blob_path_of_a_unicode_key_is_pinned() {
        BlobPath p = BlobPath.of(new Key("/ünï/cødé ☃"), 42);
        assertThat(p.path()).isEqualTo("/sv42/1e/0d/1e0d039b16a5cece07b9cb4bd79d36cccb56980cf02e50467d753b5de51a768a");
        assertThat(p.sidecarPath()).isEqualTo("/sv42/1e/0d/1e0d039b16a5cece07b9cb4bd79d36cccb56980cf02e50467d753b5de51a768a.key");
    }

    @Test
    void the_blob_path_of_a_key_with_spaces_is_pinned() {
        BlobPath p = BlobPath.of(new Key("/with some spaces"), 99);
        assertThat(p.path()).isEqualTo("/sv99/29/c0/29c01b03173a7e0942cd3d619237d88e6b9d4223d960e93e4666cb5170faac58");
        assertThat(p.sidecarPath()).isEqualTo("/sv99/29/c0/29c01b03173a7e0942cd3d619237d88e6b9d4223d960e93e4666cb5170faac58.key");
    }

    @Test
    void the_blob_path_of_a_key_outside_the_basic_plane_is_pinned() {
        BlobPath p = BlobPath.of(new Key("/🦊/emoji"), new Replica(new Volume("10.0.0.1", 80), 3));
        assertThat(p.path()).isEqualTo("/sv03/d5/71/d571b30b32a68dba490ee1547d9d9440c651d2fd7a67061f35163f5c37c3b733");
        assertThat(p.sidecarPath()).isEqualTo("/sv03/d5/71/d571b30b32a68dba490ee1547d9d9440c651d2fd7a67061f35163f5c37c3b733.key");
    }

    @Test
    void the_blob_path_of_a_later_generation_is_pinned() {
        BlobPath p = BlobPath.of(new Key("/hello"), 1, new Replica(new Volume("10.0.0.1", 80), 0));
        assertThat(p.path()).isEqualTo("/sv00/13/a7/13a7bc88b63d361f5752d7ef3f5c96cd262ef580e6f435cced6bd10ec82842b0.1");
        assertThat(p.sidecarPath()).isEqualTo("/sv00/13/a7/13a7bc88b63d361f5752d7ef3f5c96cd262ef580e6f435cced6bd10ec82842b0.1.key");
        BlobPath q = new BlobPath(7, new Key("/a/b/c.txt").digest(), 1234567890123L);
        assertThat(q.path()).isEqualTo("/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.1234567890123");
        assertThat(q.sidecarPath()).isEqualTo("/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.1234567890123.key");
        BlobPath max = new BlobPath(99, new Key("/🦊/emoji").digest(), Long.MAX_VALUE);
        assertThat(max.path()).isEqualTo("/sv99/d5/71/d571b30b32a68dba490ee1547d9d9440c651d2fd7a67061f35163f5c37c3b733.9223372036854775807");
    }

    @Test
    void generation_zero_keeps_the_layout_from_before_generations() {
        Replica r = new Replica(new Volume("10.0.0.1", 80), 7);
        assertThat(BlobPath.of(new Key("/a/b/c.txt"), 0, r)).isEqualTo(BlobPath.of(new Key("/a/b/c.txt"), 7));
        assertThat(BlobPath.of(new Key("/a/b/c.txt"), 0, r).path())
                .isEqualTo("/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee");
    }

    @Test
    void no_two_generations_or_keys_share_a_path() {
        qt().withExamples(2000).forAll(Gens.keys(), Gens.keys(), longs().between(0, Long.MAX_VALUE), longs().between(0, Long.MAX_VALUE))
                .checkAssert((k1, k2, g1, g2) -> {
                    BlobPath a = new BlobPath(3, k1.digest(), g1);
                    BlobPath b = new BlobPath(3, k2.digest(), g2);
                    if (!k1.equals(k2) || g1.longValue() != g2.longValue()) {
                        assertThat(a.path()).isNotEqualTo(b.path());
                        assertThat(a.sidecarPath()).isNotEqualTo(b.sidecarPath()).isNotEqualTo(b.path());
                    }
                    assertThat(BlobPath.parse(a.path())).isEqualTo(Option.of(a));
                });
    }

    @Test
    void the_subvolume_folder_is_two_digits() {
        assertThat(BlobPath.subvolumeFolder(0)).isEqualTo("/sv00/");
        assertThat(BlobPath.subvolumeFolder(5)).isEqualTo("/sv05/");
        assertThat(BlobPath.subvolumeFolder(99)).isEqualTo("/sv99/");
    }

    @Test
    void parse_reads_back_a_blob_path() {
        String path = "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee";
        assertThat(BlobPath.parse(path)).isEqualTo(Option.of(BlobPath.of(new Key("/a/b/c.txt"), 7)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "/",
            // the sidecar is not a blob
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.key",
            // no leading slash, trailing slash
            "sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee",
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee/",
            // one- and three-digit subvolumes
            "/sv7/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee",
            "/sv100/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee",
            // upper-case hex
            "/sv07/FA/D0/FAD0B8AF5E6CFA27A7E36870911C7D0DC60D034DF1E50A368882F5D34B88A6EE",
            // 63 and 65 hex digits
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6e",
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee0",
            // folders that do not match the digest's first bytes
            "/sv07/d0/fa/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee",
            "/sv07/fa/d1/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee",
            // missing a folder level
            "/sv07/fa/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee",
            // a temp file beside the blob
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.tmp",
            // generation 0 is never written out, and no generation has leading zeros or a sign
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.0",
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.07",
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.-7",
            // a generation's sidecar is not a blob either; a number beyond a long is no generation
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.7.key",
            "/sv07/fa/d0/fad0b8af5e6cfa27a7e36870911c7d0dc60d034df1e50a368882f5d34b88a6ee.9999999999999999999",
    })
    void parse_rejects_anything_but_a_blob_path(String path) {
        assertThat(BlobPath.parse(path)).isEmpty();
    }

    @Test
    void a_blob_path_refuses_a_subvolume_out_of_range_or_a_bad_digest() {
        String digest = new Key("/hello").digest();
        assertThatThrownBy(() -> new BlobPath(-1, digest)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobPath(100, digest)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobPath(0, digest.toUpperCase())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobPath(0, digest.substring(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BlobPath(0, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void any_valid_key_gets_a_path_of_only_the_fixed_layouts_characters() {
        qt().withExamples(2000).forAll(Gens.keys(), integers().between(0, 99)).checkAssert((key, sv) -> {
            BlobPath p = BlobPath.of(key, sv);
            assertThat(p.path()).matches(LAYOUT);
            assertThat(p.path()).startsWith(BlobPath.subvolumeFolder(sv)).endsWith("/" + key.digest());
            assertThat(p.sidecarPath()).isEqualTo(p.path() + ".key");
        });
    }

    @Test
    void parse_round_trips_every_blob_path() {
        qt().withExamples(1000).forAll(Gens.keys(), integers().between(0, 99)).checkAssert((key, sv) -> {
            BlobPath p = BlobPath.of(key, sv);
            assertThat(BlobPath.parse(p.path())).isEqualTo(Option.of(p));
            assertThat(BlobPath.parse(p.sidecarPath())).isEmpty();
        });
    }
}
