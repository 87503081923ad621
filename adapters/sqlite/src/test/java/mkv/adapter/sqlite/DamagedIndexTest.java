package mkv.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vavr.collection.Array;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Volume;
import mkv.domain.port.IndexFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real SQLite file, damaged on disk the way a bad disk or a stray write damages it: the
 * index refuses it at open, and damage that appears later fails the request that meets it —
 * a listing never ends early and answers as if complete.
 */
class DamagedIndexTest {
    private static final int KEYS = 20_000;
    private static final Instant T = Instant.parse("2026-03-04T05:06:07.089Z");
    private static final Replica REPLICA = new Replica(new Volume("v1.example", 8080), 2);
    private static final SqliteIndex.Options UNCHECKED = SqliteIndex.Options.defaults().withIntegrityCheck(false);

    @TempDir
    Path dir;

    private static Key key(int i) {
        return new Key(String.format("/k/%06d", i));
    }

    /** A closed index of {@link #KEYS} live keys /k/000000…, its log checkpointed into the file. */
    private Path filled() {
        Path file = dir.resolve("index.db");
        try (var index = SqliteIndex.open(file)) {
            index.putAll(Array.range(0, KEYS).map(i ->
                    Entry.live(key(i), List.of(REPLICA), 1024, new Md5("00112233445566778899aabbccddeeff"), 0, T)));
        }
        assertThat(Files.exists(dir.resolve("index.db-wal"))).as("the log is checkpointed and gone").isFalse();
        return file;
    }

    private static void garbleKeyToSortHigh(Path file, Key victim) throws IOException {
        assertThat(IndexDamage.garbleKeyToSortHigh(file, victim.bytes())).as("leaf cells holding " + victim).isEqualTo(1);
    }

    /** Pages through a whole listing of /k/ as the coordinator does: limit + 1, the extra key starting the next page. */
    private static Seq<Key> listAll(SqliteIndex index) {
        Seq<Key> all = List.empty();
        Option<Key> start = Option.none();
        while (true) {
            Seq<Key> page = index.list("/k/", EntryState.LIVE, start, 1001);
            if (page.size() <= 1000) return all.appendAll(page);
            all = all.appendAll(page.take(1000));
            start = Option.of(page.get(1000));
        }
    }

    @Test
    void a_file_with_garbled_pages_is_refused_at_open_naming_the_file_and_the_rebuild() throws IOException {
        Path file = filled();
        IndexDamage.garblePages(file, 8);
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> SqliteIndex.open(file))
                .isInstanceOfSatisfying(IndexFailure.class, f -> assertThat(f.isCorrupt()).isTrue())
                .hasMessageContaining("the index " + file + " is damaged")
                .hasMessageContaining("mkv rebuild")
                .hasMessageContaining("--db " + file);
        assertThat(Files.readAllBytes(file)).as("a refused file is left as it was").isEqualTo(before);
    }

    @Test
    void a_key_out_of_order_is_refused_at_open() throws IOException {
        Path file = filled();
        garbleKeyToSortHigh(file, key(KEYS / 2));

        assertThatThrownBy(() -> SqliteIndex.open(file))
                .isInstanceOfSatisfying(IndexFailure.class, f -> assertThat(f.isCorrupt()).isTrue())
                .hasMessageContaining("is damaged")
                .hasMessageContaining("PRIMARY KEY order");
    }

    @Test
    void a_listing_that_meets_a_key_out_of_order_fails_instead_of_ending_early() throws IOException {
        Path file = filled();
        try (var index = SqliteIndex.open(file, UNCHECKED)) {
            assertThat(listAll(index)).hasSize(KEYS);
        }
        garbleKeyToSortHigh(file, key(KEYS / 2));

        // Damage that appears after the start-up check: the open succeeds, the listing must not.
        var seen = new CopyOnWriteArrayList<IndexFailure>();
        try (var index = SqliteIndex.open(file, UNCHECKED)) {
            index.onCorruption(seen::add);
            assertThat(index.corruption()).isEmpty();

            assertThatThrownBy(() -> listAll(index))
                    .isInstanceOfSatisfying(IndexFailure.class, f -> assertThat(f.isCorrupt()).isTrue())
                    .hasMessageContaining("does not sort above");
            assertThat(seen).hasSize(1);
            assertThat(index.corruption()).isNotEmpty();
            // A listing that starts after the damage, and a get beside it, still answer.
            assertThat(index.list("/k/", EntryState.LIVE, Option.of(key(KEYS / 2 + 10)), 5)).containsExactlyElementsOf(
                    Array.range(KEYS / 2 + 10, KEYS / 2 + 15).map(DamagedIndexTest::key));
            assertThat(index.get(key(KEYS / 2 - 1))).isNotEmpty();
        }
    }

    @Test
    void a_scan_that_meets_a_key_out_of_order_fails() throws IOException {
        Path file = filled();
        garbleKeyToSortHigh(file, key(KEYS / 2));
        try (var index = SqliteIndex.open(file, UNCHECKED)) {
            assertThatThrownBy(() -> {
                Option<Key> after = Option.none();
                while (true) {
                    Seq<Entry> page = index.scan(after, 1000);
                    if (page.isEmpty()) return;
                    after = Option.of(page.last().key());
                }
            }).isInstanceOfSatisfying(IndexFailure.class, f -> assertThat(f.isCorrupt()).isTrue());
            assertThat(index.corruption()).isNotEmpty();
        }
    }

    @Test
    void a_damaged_page_met_at_run_time_fails_that_read_and_the_reader_goes_on_serving() throws IOException {
        Path file = filled();
        IndexDamage.garblePages(file, 8);
        var seen = new CopyOnWriteArrayList<IndexFailure>();
        // One reader: every read below borrows the connection whose statement just failed.
        try (var index = SqliteIndex.open(file, UNCHECKED.withReaders(1))) {
            index.onCorruption(seen::add);
            int failed = 0;
            for (int i = 0; i < KEYS; i++) {
                try {
                    assertThat(index.get(key(i))).as("%s", key(i)).isNotEmpty();
                } catch (IndexFailure f) {
                    assertThat(f.isCorrupt()).as(f.getMessage()).isTrue();
                    assertThat(f.getMessage()).contains("SQLITE_CORRUPT");
                    failed++;
                    // sqlite-jdbc finalizes a statement whose first step fails; the reader must
                    // prepare it again rather than fail every later read with "not executing".
                    assertThat(index.get(key(0))).isNotEmpty();
                }
            }
            assertThat(failed).as("keys on the garbled pages").isBetween(1, KEYS / 2);
            assertThat(seen).hasSize(failed);
            assertThat(index.corruption()).isNotEmpty();
            assertThatThrownBy(() -> listAll(index)).isInstanceOfSatisfying(IndexFailure.class, f -> assertThat(f.isCorrupt()).isTrue());
        }
    }

    @Test
    void an_index_that_meets_no_damage_reports_none() {
        Path file = filled();
        try (var index = SqliteIndex.open(file)) {
            assertThat(listAll(index)).containsExactlyElementsOf(Array.range(0, KEYS).map(DamagedIndexTest::key));
            assertThat(index.list("/k/", EntryState.UNLINKED, Option.none(), 10)).isEmpty();
            assertThat(index.corruption()).isEmpty();
        }
    }
}
