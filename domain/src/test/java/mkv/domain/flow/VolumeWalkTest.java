package mkv.domain.flow;

import static mkv.domain.Gens.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import mkv.domain.BlobPath;
import mkv.domain.Gens;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.TempFile;
import mkv.domain.Volume;
import mkv.domain.port.Listing;
import org.junit.jupiter.api.Test;

/** The walk's pure parts: which names are data, which are temp files nginx left, and which it never reads. */
class VolumeWalkTest {
    private static final Volume V = Gens.volume(1);
    private static final Replica R = new Replica(V, 2);
    private static final String DIGEST = new Key("/walked").digest();
    private static final String FOLDER = "/sv02/" + DIGEST.substring(0, 2) + "/" + DIGEST.substring(2, 4) + "/";

    private static Listing.Item file(String name, long size) {
        return new Listing.Item(name, false, size, T0);
    }

    private static final List<Listing.Item> ITEMS = List.of(
            file(DIGEST, 10), file(DIGEST + ".key", 120), file(DIGEST + ".0000000123", 4),
            file(DIGEST + ".key.0000000124", 0), file("notes.txt", 1), new Listing.Item("0000000001", true, 0, T0));

    @Test
    void a_blob_folder_yields_its_blob_and_sidecar_as_data_and_its_failed_copies_as_leftovers() {
        assertThat(VolumeWalk.positions(R, DIGEST.substring(0, 4), ITEMS))
                .containsExactly(new VolumeWalk.Position(R, new BlobPath(2, DIGEST), io.vavr.control.Option.some(10L), true, T0));
        assertThat(VolumeWalk.leftovers(V, FOLDER, ITEMS)).containsExactly(
                new VolumeWalk.Leftover(V, new TempFile(FOLDER + DIGEST + ".0000000123"), 4, T0),
                new VolumeWalk.Leftover(V, new TempFile(FOLDER + DIGEST + ".key.0000000124"), 0, T0));
    }

    @Test
    void a_temp_folder_yields_only_nginx_temp_names_as_leftovers() {
        var items = List.of(file("0000000042", 5), file("readme", 1), new Listing.Item("0000000043", true, 0, T0));
        assertThat(VolumeWalk.leftovers(V, TempFile.folder(2), items))
                .containsExactly(new VolumeWalk.Leftover(V, new TempFile("/sv02/.tmp/0000000042"), 5, T0));
        assertThat(VolumeWalk.leftovers(V, TempFile.rootFolder(), items).map(l -> l.file().path())).containsExactly("/.tmp/0000000042");
    }

    @Test
    void dot_names_are_never_read_as_data() {
        assertThat(VolumeWalk.ignored(".tmp")).isTrue();
        assertThat(VolumeWalk.ignored(".mkv")).isTrue();
        assertThat(VolumeWalk.ignored("sv00")).isFalse();
        assertThat(VolumeWalk.ignored("ab")).isFalse();
    }
}
