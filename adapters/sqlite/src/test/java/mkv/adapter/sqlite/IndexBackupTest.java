package mkv.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import mkv.domain.ClusterId;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Volume;
import mkv.domain.port.IndexFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link IndexBackup}: a copy of an open index that keeps what a restore needs and leaves out writes in flight. */
class IndexBackupTest {
    private static final Replica REPLICA = new Replica(new Volume("127.0.0.1", 3001), 0);
    private static final Instant T = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void the_copy_of_an_open_index_keeps_its_entries_and_cluster_id_and_leaves_out_writing_entries() {
        Path db = dir.resolve("index.db");
        Path copy = dir.resolve("copy.db");
        AtomicLong lastDone = new AtomicLong();
        try (SqliteIndex index = SqliteIndex.open(db)) {
            index.claim(new ClusterId("6f1c2a9e-3b7d-4c1e-9a0b-5d2e8f4a7c31"));
            index.putAll(List.range(0, 500).map(i -> Entry.live(new Key("/k/" + i), List.of(REPLICA), 10, new Md5("0123456789abcdef0123456789abcdef"), 0, T)));
            assertThat(index.reserve(Option.none(), Entry.writing(new Key("/in-flight"), List.of(REPLICA), 0, T))).isTrue();

            IndexBackup.Copied copied = IndexBackup.copy(db, copy, (done, total) -> lastDone.set(done));

            assertThat(copied.entries()).isEqualTo(500);
            assertThat(copied.inFlightLeftOut()).isEqualTo(1);
            assertThat(copied.cluster()).contains("6f1c2a9e-3b7d-4c1e-9a0b-5d2e8f4a7c31");
            assertThat(lastDone.get()).isEqualTo(copied.bytes());
            assertThat(index.get(new Key("/in-flight")).isDefined()).as("the live index is untouched").isTrue();
        }
        assertThat(dir.resolve("copy.db.partial")).doesNotExist();
        try (SqliteIndex restored = SqliteIndex.open(copy)) {
            assertThat(restored.cluster()).contains(new ClusterId("6f1c2a9e-3b7d-4c1e-9a0b-5d2e8f4a7c31"));
            assertThat(restored.get(new Key("/k/499")).map(Entry::state)).contains(EntryState.LIVE);
            assertThat(restored.get(new Key("/in-flight"))).isEmpty();
        }
    }

    @Test
    void a_replace_under_way_is_left_out_of_its_row_in_the_copy_and_the_value_before_it_kept() {
        Path db = dir.resolve("index.db");
        Path copy = dir.resolve("copy.db");
        Entry value = Entry.live(new Key("/replacing"), List.of(REPLICA), 10, new Md5("0123456789abcdef0123456789abcdef"), 4, T);
        Entry replacing = value.withPending(Option.some(new mkv.domain.HeldGeneration(7, List.of(REPLICA), T)), T);
        try (SqliteIndex index = SqliteIndex.open(db)) {
            index.putAll(List.of(replacing));
            assertThat(IndexBackup.copy(db, copy, (done, total) -> {}).inFlightLeftOut()).isEqualTo(1);
            assertThat(index.get(replacing.key())).as("the live index is untouched").contains(replacing);
        }
        try (SqliteIndex restored = SqliteIndex.open(copy)) {
            Entry row = restored.get(replacing.key()).get();
            assertThat(row.pending()).isEmpty();
            assertThat(row.generation()).isEqualTo(4);
            assertThat(row.sidecar()).isEqualTo(value.sidecar());
        }
    }

    @Test
    void a_file_that_is_not_an_index_is_refused_and_no_copy_is_left() throws Exception {
        Path notIndex = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> IndexBackup.copy(notIndex, dir.resolve("copy.db"), (d, t) -> {})).isInstanceOf(IndexFailure.class);
        assertThatThrownBy(() -> IndexBackup.copy(dir.resolve("missing.db"), dir.resolve("copy.db"), (d, t) -> {}))
                .isInstanceOf(IndexFailure.class).hasMessageContaining("no index at");
        assertThat(dir.resolve("copy.db")).doesNotExist();
        assertThat(dir.resolve("copy.db.partial")).doesNotExist();
    }
}
