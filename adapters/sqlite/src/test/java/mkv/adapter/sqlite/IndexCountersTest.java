package mkv.adapter.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import mkv.domain.port.ServedIndex;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counters the triggers keep (keys and bytes by state, replicas and bytes by volume of every
 * entry not WRITING) always
 * say what a full count of the rows says: through every kind of write, and after the migration
 * that creates them over an index that already holds rows.
 */
class IndexCountersTest {
    private static final Instant T = Instant.parse("2026-03-04T05:06:07.089Z");
    private static final Md5 MD5 = new Md5("00112233445566778899aabbccddeeff");
    private static final List<Volume> VOLUMES = List.of(new Volume("10.0.0.1", 3001), new Volume("10.0.0.2", 3001),
            new Volume("10.0.0.3", 3001), new Volume("odd\"host\\name", 3004));

    @TempDir
    Path dir;

    private static Seq<Replica> replicas(Random random) {
        var shuffled = new java.util.ArrayList<>(VOLUMES.toJavaList());
        java.util.Collections.shuffle(shuffled, random);
        return Replica.canonical(List.ofAll(shuffled).take(1 + random.nextInt(3)).map(v -> new Replica(v, random.nextInt(4))));
    }

    private static Connection raw(Path file) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** What a full count says: by state from SQL, by volume from the entries as the index returns them. */
    private static void countersMatchAFullCount(SqliteIndex index, Path file) throws SQLException {
        Map<EntryState, long[]> states = new HashMap<>();
        try (Connection c = raw(file); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT state, count(*), sum(size) FROM entries GROUP BY state")) {
            while (rs.next()) states.put(Rows.state(rs.getInt(1)), new long[] {rs.getLong(2), rs.getLong(3)});
        }
        for (ServedIndex.StateCount c : index.countByState()) {
            long[] want = states.getOrDefault(c.state(), new long[2]);
            assertThat(new long[] {c.keys(), c.bytes()}).as("keys and bytes %s", c.state()).containsExactly(want);
        }
        assertThat(index.countByState().map(ServedIndex.StateCount::state)).containsExactlyInAnyOrder(EntryState.values());

        Map<String, long[]> volumes = new TreeMap<>();
        Option<Key> after = Option.none();
        for (Seq<Entry> page = index.scan(after, 100); !page.isEmpty(); page = index.scan(after, 100)) {
            for (Entry e : page) {
                if (e.state() == EntryState.WRITING) continue; // its replicas may hold nothing yet
                for (Replica r : e.replicas()) {
                    long[] n = volumes.computeIfAbsent(r.volume().toString(), v -> new long[2]);
                    n[0]++;
                    n[1] += e.size();
                }
            }
            after = Option.some(page.last().key());
        }
        Map<String, long[]> counted = new TreeMap<>();
        index.countByVolume().forEach(c -> counted.put(c.volume(), new long[] {c.replicas(), c.bytes()}));
        assertThat(counted.keySet()).containsExactlyElementsOf(volumes.keySet());
        volumes.forEach((v, n) -> assertThat(counted.get(v)).as("replicas and bytes on %s", v).containsExactly(n));
    }

    @Test
    void the_counters_follow_every_kind_of_write() throws SQLException {
        Path file = dir.resolve("index.db");
        Random random = new Random(15);
        try (SqliteIndex index = SqliteIndex.open(file)) {
            countersMatchAFullCount(index, file);
            for (int round = 0; round < 600; round++) {
                Key key = new Key("/c/" + random.nextInt(60));
                Option<Entry> now = index.get(key);
                Instant at = T.plusMillis(round);
                if (now.isEmpty()) {
                    // What a PUT does: WRITING with no size, then LIVE with its size.
                    Entry writing = Entry.writing(key, replicas(random), 0, at);
                    assertThat(index.reserve(Option.none(), writing)).isTrue();
                    if (random.nextInt(5) > 0) {
                        assertThat(index.replace(writing, Entry.live(key, writing.replicas(), random.nextInt(10_000), MD5, 0, at))).isTrue();
                    }
                    continue;
                }
                Entry e = now.get();
                switch (random.nextInt(5)) {
                    case 0 -> assertThat(index.remove(e)).isTrue();
                    case 1 -> assertThat(index.replace(e, e.state() == EntryState.WRITING
                            ? Entry.live(key, e.replicas(), random.nextInt(10_000), MD5, 0, at)
                            : e.withState(e.state() == EntryState.UNLINKED ? EntryState.LIVE : EntryState.UNLINKED, at))).isTrue();
                    case 2 -> assertThat(index.replace(e, e.withReplicas(replicas(random), at))).isTrue(); // a rebalance
                    case 3 -> index.putAll(List.of(Entry.live(key, replicas(random), random.nextInt(10_000), MD5, 0, at),
                            Entry.live(new Key("/c/bulk/" + round), replicas(random), round, MD5, 0, at))); // a rebuild's upserts
                    default -> assertThat(index.replace(e, e.withState(e.state(), at))).isTrue(); // touched, nothing counted changes
                }
                if (round % 50 == 0) countersMatchAFullCount(index, file);
            }
            countersMatchAFullCount(index, file);
        }
    }

    @Test
    void the_migration_that_adds_the_counters_fills_them_from_the_rows_already_there() throws SQLException {
        Path file = dir.resolve("index.db");
        Random random = new Random(4);
        try (SqliteIndex index = SqliteIndex.open(file)) {
            for (int i = 0; i < 300; i++) {
                Key key = new Key("/m/" + i);
                Entry e = i % 7 == 0 ? Entry.writing(key, replicas(random), 0, T) : Entry.live(key, replicas(random), i, MD5, 0, T);
                index.putAll(List.of(i % 5 == 0 && i % 7 != 0 ? e.withState(EntryState.UNLINKED, T) : e));
            }
        }
        // The file as the build before the counters left it: no counter tables, no triggers, version below.
        try (Connection c = raw(file); Statement s = c.createStatement()) {
            for (String trigger : List.of("entries_count_insert", "entries_count_delete", "entries_count_state", "entries_count_volumes")) {
                s.execute("DROP TRIGGER " + trigger);
            }
            s.execute("DROP TABLE entry_counts");
            s.execute("DROP TABLE volume_counts");
            s.execute("PRAGMA user_version = " + (Schema.COUNTERS - 1));
        }
        try (SqliteIndex index = SqliteIndex.open(file); Connection c = raw(file)) {
            assertThat(Schema.version(c)).isEqualTo(Schema.VERSION);
            assertThat(index.countByState().find(s -> s.state() == EntryState.LIVE).get().keys()).isPositive();
            countersMatchAFullCount(index, file);
            index.remove(index.get(new Key("/m/1")).get());
            countersMatchAFullCount(index, file);
        }
    }

    @Test
    void a_backup_that_leaves_writing_rows_out_keeps_its_counters_true() throws SQLException {
        Path file = dir.resolve("index.db");
        Path copy = dir.resolve("copy.db");
        Random random = new Random(9);
        try (SqliteIndex index = SqliteIndex.open(file)) {
            for (int i = 0; i < 50; i++) {
                Key key = new Key("/b/" + i);
                index.putAll(List.of(i % 4 == 0 ? Entry.writing(key, replicas(random), 0, T) : Entry.live(key, replicas(random), i, MD5, 0, T)));
            }
            assertThat(IndexBackup.copy(file, copy, (done, total) -> {}).inFlightLeftOut()).isEqualTo(13);
        }
        try (SqliteIndex restored = SqliteIndex.open(copy)) {
            assertThat(restored.countByState().find(s -> s.state() == EntryState.WRITING).get().keys()).isZero();
            countersMatchAFullCount(restored, copy);
        }
    }
}
