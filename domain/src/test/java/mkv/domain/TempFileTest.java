package mkv.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Golden: the temp paths nginx can leave, and that nothing else — a blob, a sidecar — can be taken for one. */
class TempFileTest {
    private static final String DIGEST = new Key("/a key").digest();
    private static final String BLOB = new BlobPath(3, DIGEST).path();

    @Test
    void the_temp_folders_are_dot_folders_in_the_data_root_and_in_each_subvolume() {
        assertThat(TempFile.rootFolder()).isEqualTo("/.tmp/");
        assertThat(TempFile.folder(7)).isEqualTo("/sv07/.tmp/");
    }

    @Test
    void uploads_in_a_temp_folder_and_failed_copies_beside_a_blob_are_temp_files() {
        assertThat(TempFile.parse("/.tmp/0000000042").map(TempFile::subvolume)).contains(0);
        assertThat(TempFile.parse("/sv07/.tmp/0000000042").map(TempFile::subvolume)).contains(7);
        assertThat(TempFile.parse(BLOB + ".0000000123").map(TempFile::subvolume)).contains(3);
        assertThat(TempFile.parse(BLOB + ".key.4294967295").map(TempFile::subvolume)).contains(3);
        // beside a later generation's blob or sidecar
        assertThat(TempFile.parse(BLOB + ".7.0000000123").map(TempFile::subvolume)).contains(3);
        assertThat(TempFile.parse(BLOB + ".1234567890.4294967295").map(TempFile::subvolume)).contains(3);
        assertThat(TempFile.parse(BLOB + ".7.key.0000000123").map(TempFile::subvolume)).contains(3);
    }

    @Test
    void a_blob_a_sidecar_or_anything_else_is_never_a_temp_file() {
        for (String path : new String[] {
                BLOB, BLOB + ".key", "/", "/.tmp/", "/.tmp/42", "/.tmp/0000000042/x", "/sv07/.tmp/abcdefghij",
                "/sv7/.tmp/0000000042", "/.mkv/cluster", BLOB + ".000000012", BLOB + ".00000001234",
                // a copy's name must fit the folder it lies in, as every blob's does
                "/sv03/00/00/" + DIGEST + ".0000000123", "/sv03/" + DIGEST.substring(0, 2) + "/" + DIGEST + ".0000000123",
                "/../sv03/.tmp/0000000042", "/sv03/.tmp/../../x/0000000042",
                // a generation's blob and sidecar, whatever the number of digits: never deleted as a temp file
                BLOB + ".1234567890", BLOB + ".4294967295", BLOB + ".1234567890.key", BLOB + ".7", BLOB + ".7.key"}) {
            assertThat(TempFile.parse(path)).as(path).isEmpty();
            assertThatThrownBy(() -> new TempFile(path)).as(path).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(TempFile.parse(null)).isEmpty();
    }
}
