package mkv.domain.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.Generate.constant;
import static org.quicktheories.generators.Generate.oneOf;
import static org.quicktheories.generators.Generate.range;
import static org.quicktheories.generators.SourceDSL.lists;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Volume;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * What every {@link Index} must do, run against the in-memory fake and the SQLite index alike.
 * A subclass supplies fresh, empty indexes; the suite closes every one it asked for.
 */
public abstract class IndexContract {

    /** A new, empty index, independent of every other one this suite asked for. */
    protected abstract Index newIndex();

    private final java.util.List<Index> opened = new ArrayList<>();

    private Index index() {
        Index index = newIndex();
        opened.add(index);
        return index;
    }

    @AfterEach
    void closeIndexes() {
        opened.forEach(Index::close);
        opened.clear();
    }

    // ---- fixtures ---------------------------------------------------------------------------

    static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");
    static final Md5 MD5 = new Md5("0123456789abcdef0123456789abcdef");
    static final Md5 OTHER_MD5 = new Md5("fedcba9876543210fedcba9876543210");
    static final Replica R1 = new Replica(new Volume("vol1.example", 8080), 3);
    static final Replica R2 = new Replica(new Volume("vol2.example", 80), 0);
    static final Replica R3 = new Replica(new Volume("10.0.0.7", 3001), 99);

    static Key key(String s) {
        return new Key(s);
    }

    static Entry live(String key) {
        return Entry.live(key(key), List.of(R1, R2), 1234, MD5, 0, T0);
    }

    static Entry writing(String key, Instant updated) {
        return new Entry(key(key), EntryState.WRITING, List.of(R1), 0, Option.none(), T0.minusSeconds(60), updated);
    }

    static Entry inState(String key, EntryState state) {
        return new Entry(key(key), state, List.of(R2), 7, Option.of(MD5), T0, T0);
    }

    /** The entry changed in exactly one field, for each field. */
    static Seq<Entry> oneFieldOff(Entry e) {
        return List.of(
                new Entry(e.key(), e.is(EntryState.UNLINKED) ? EntryState.LIVE : EntryState.UNLINKED, e.replicas(), e.size(), Option.of(MD5), e.created(), e.updated()),
                new Entry(e.key(), e.state(), e.replicas().append(R3), e.size(), e.md5(), e.created(), e.updated()),
                new Entry(e.key(), e.state(), e.replicas(), e.size() + 1, e.md5(), e.created(), e.updated()),
                new Entry(e.key(), e.state(), e.replicas(), e.size(), Option.of(e.md5().contains(MD5) ? OTHER_MD5 : MD5), e.created(), e.updated()),
                new Entry(e.key(), e.state(), e.replicas(), e.size(), e.md5(), e.created().plusMillis(1), e.updated()),
                new Entry(e.key(), e.state(), e.replicas(), e.size(), e.md5(), e.created(), e.updated().plusMillis(1)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- cluster id -------------------------------------------------------------------------

    static final mkv.domain.ClusterId CLUSTER = new mkv.domain.ClusterId("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    static final mkv.domain.ClusterId OTHER_CLUSTER = new mkv.domain.ClusterId("11111111-2222-4333-8444-555555555555");

    @Test
    void a_new_index_belongs_to_no_cluster() {
        assertThat(index().cluster()).isEqualTo(Option.none());
    }

    @Test
    void the_first_claimed_cluster_id_stays_and_another_is_refused() {
        Index index = index();
        assertThat(index.claim(CLUSTER)).isTrue();
        assertThat(index.claim(CLUSTER)).isTrue();
        assertThat(index.claim(OTHER_CLUSTER)).isFalse();
        assertThat(index.cluster()).isEqualTo(Option.some(CLUSTER));
    }

    // ---- get --------------------------------------------------------------------------------

    @Test
    void get_of_an_absent_key_is_empty() {
        assertThat(index().get(key("/nothing/here"))).isEqualTo(Option.none());
    }

    @Test
    void an_entry_reads_back_equal_in_every_field() {
        Index index = index();
        String thousandAscii = "/" + "x".repeat(999);
        String thousandUnicode = "/" + "é".repeat(499) + "x";
        assertThat(utf8(thousandAscii)).hasSize(1000);
        assertThat(utf8(thousandUnicode)).hasSize(1000);
        Seq<Entry> entries = List.of(
                Entry.writing(key("/plain"), List.of(R1, R2, R3), 0, T0),
                new Entry(key("/writing/with/md5"), EntryState.WRITING, List.of(R3), 10, Option.of(MD5), T0, T0.plusMillis(5)),
                new Entry(key("/no/replicas"), EntryState.WRITING, List.empty(), 0, Option.none(), T0, T0),
                Entry.live(key("/ünïcödé/ключ/鍵/😀"), List.of(R2, R1), 5_000_000_000_000L, MD5, 0, T0.plusNanos(999_999)),
                new Entry(key("/unlinked"), EntryState.UNLINKED, List.of(R1), 1, Option.of(OTHER_MD5), T0.minusSeconds(86_400), T0),
                new Entry(key("/before/1970"), EntryState.LIVE, List.of(R1), 1, Option.of(MD5), Instant.parse("1969-07-20T20:17:40.123Z"), T0),
                live(thousandAscii),
                live(thousandUnicode));
        for (Entry e : entries) assertThat(index.reserve(Option.none(), e)).as("reserve %s", e.key()).isTrue();
        for (Entry e : entries) assertThat(index.get(e.key())).as("get %s", e.key()).isEqualTo(Option.of(e));
    }

    // ---- reserve ----------------------------------------------------------------------------

    @Test
    void reserve_inserts_an_absent_key_when_none_is_expected() {
        Index index = index();
        Entry e = Entry.writing(key("/new"), List.of(R1), 0, T0);
        assertThat(index.reserve(Option.none(), e)).isTrue();
        assertThat(index.get(e.key())).isEqualTo(Option.of(e));
    }

    @Test
    void reserve_is_refused_when_none_is_expected_but_the_key_exists() {
        Index index = index();
        Entry existing = live("/taken");
        index.reserve(Option.none(), existing);
        assertThat(index.reserve(Option.none(), Entry.writing(key("/taken"), List.of(R2), 0, T0))).isFalse();
        assertThat(index.get(existing.key())).isEqualTo(Option.of(existing));
    }

    @Test
    void reserve_overwrites_a_row_that_equals_the_expected_entry() {
        Index index = index();
        Entry old = inState("/again", EntryState.UNLINKED);
        index.reserve(Option.none(), old);
        Entry next = Entry.writing(old.key(), List.of(R3), 0, T0.plusSeconds(1));
        assertThat(index.reserve(Option.of(old), next)).isTrue();
        assertThat(index.get(old.key())).isEqualTo(Option.of(next));
    }

    @Test
    void reserve_is_refused_when_the_row_differs_from_the_expected_entry_in_any_field() {
        Index index = index();
        Entry existing = live("/held");
        index.reserve(Option.none(), existing);
        Entry next = Entry.writing(existing.key(), List.of(R3), 0, T0.plusSeconds(1));
        for (Entry stale : oneFieldOff(existing)) {
            assertThat(index.reserve(Option.of(stale), next)).as("expected %s", stale).isFalse();
        }
        assertThat(index.get(existing.key())).isEqualTo(Option.of(existing));
    }

    @Test
    void reserve_is_refused_when_an_entry_is_expected_but_the_key_is_absent() {
        Index index = index();
        Entry ghost = live("/ghost");
        assertThat(index.reserve(Option.of(ghost), Entry.writing(ghost.key(), List.of(R1), 0, T0))).isFalse();
        assertThat(index.get(ghost.key())).isEqualTo(Option.none());
    }

    @Test
    void concurrent_reserves_of_one_absent_key_let_exactly_one_win() throws Exception {
        Index index = index();
        var tries = new ArrayList<Future<Boolean>>();
        var candidates = new ArrayList<Entry>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 32; i++) {
                Entry e = Entry.writing(key("/contested"), List.of(new Replica(R1.volume(), i)), 0, T0);
                candidates.add(e);
                tries.add(threads.submit(() -> index.reserve(Option.none(), e)));
            }
        }
        int winner = -1;
        for (int i = 0; i < tries.size(); i++) {
            if (tries.get(i).get()) {
                assertThat(winner).as("a second winner").isEqualTo(-1);
                winner = i;
            }
        }
        assertThat(winner).as("a winner").isNotEqualTo(-1);
        assertThat(index.get(key("/contested"))).isEqualTo(Option.of(candidates.get(winner)));
    }

    // ---- replace ----------------------------------------------------------------------------

    @Test
    void replace_swaps_a_row_that_equals_the_expected_entry() {
        Index index = index();
        Entry w = Entry.writing(key("/k"), List.of(R1, R2), 0, T0);
        index.reserve(Option.none(), w);
        Entry l = Entry.live(w.key(), w.replicas(), 99, MD5, 0, T0.plusMillis(3));
        assertThat(index.replace(w, l)).isTrue();
        assertThat(index.get(w.key())).isEqualTo(Option.of(l));
    }

    @Test
    void replace_is_refused_when_the_row_differs_from_the_expected_entry_in_any_field() {
        Index index = index();
        Entry existing = live("/k");
        index.reserve(Option.none(), existing);
        Entry next = existing.withState(EntryState.UNLINKED, T0.plusSeconds(5));
        for (Entry stale : oneFieldOff(existing)) {
            assertThat(index.replace(stale, next)).as("expected %s", stale).isFalse();
        }
        assertThat(index.get(existing.key())).isEqualTo(Option.of(existing));
    }

    @Test
    void replace_of_an_absent_key_is_refused_and_inserts_nothing() {
        Index index = index();
        Entry ghost = live("/ghost");
        assertThat(index.replace(ghost, ghost.withState(EntryState.UNLINKED, T0))).isFalse();
        assertThat(index.get(ghost.key())).isEqualTo(Option.none());
        assertThat(index.count()).isZero();
    }

    // ---- remove -----------------------------------------------------------------------------

    @Test
    void remove_deletes_a_row_that_equals_the_expected_entry() {
        Index index = index();
        Entry e = inState("/gone", EntryState.UNLINKED);
        index.reserve(Option.none(), e);
        assertThat(index.remove(e)).isTrue();
        assertThat(index.get(e.key())).isEqualTo(Option.none());
        assertThat(index.remove(e)).as("a second remove").isFalse();
    }

    @Test
    void remove_is_refused_when_the_row_differs_from_the_expected_entry_in_any_field() {
        Index index = index();
        Entry existing = live("/stays");
        index.reserve(Option.none(), existing);
        for (Entry stale : oneFieldOff(existing)) {
            assertThat(index.remove(stale)).as("expected %s", stale).isFalse();
        }
        assertThat(index.get(existing.key())).isEqualTo(Option.of(existing));
    }

    @Test
    void remove_of_an_absent_key_is_refused() {
        assertThat(index().remove(live("/never"))).isFalse();
    }

    // ---- list -------------------------------------------------------------------------------

    // In bytewise UTF-8 order. UTF-16 order (String.compareTo) would put "/😀" (a surrogate,
    // 0xD83D) before "/Ａ" (0xFF21); in UTF-8 it is F0 9F… after EF BC A1.
    static final java.util.List<String> LIVE_KEYS = java.util.List.of("/Z", "/a", "/a/b", "/aé", "/b", "/ä", "/Ａ", "/😀");

    private Index listed() {
        Index index = index();
        var shuffled = new ArrayList<>(LIVE_KEYS);
        java.util.Collections.reverse(shuffled);
        for (String k : shuffled) index.reserve(Option.none(), live(k));
        index.reserve(Option.none(), inState("/a/u", EntryState.UNLINKED));
        index.reserve(Option.none(), inState("/u", EntryState.UNLINKED));
        index.reserve(Option.none(), writing("/a/w", T0));
        return index;
    }

    private static Seq<String> names(Seq<Key> keys) {
        return keys.map(Key::value);
    }

    @Test
    void the_prefix_slash_lists_every_key_in_bytewise_order() {
        assertThat(names(listed().list("/", EntryState.LIVE, Option.none(), 100))).containsExactlyElementsOf(LIVE_KEYS);
    }

    @Test
    void list_returns_only_keys_that_start_with_the_prefix_bytes() {
        Index index = listed();
        assertThat(names(index.list("/a", EntryState.LIVE, Option.none(), 100))).containsExactly("/a", "/a/b", "/aé");
        assertThat(names(index.list("/a/", EntryState.LIVE, Option.none(), 100))).containsExactly("/a/b");
        assertThat(names(index.list("/ä", EntryState.LIVE, Option.none(), 100))).containsExactly("/ä");
        assertThat(names(index.list("/a/b/", EntryState.LIVE, Option.none(), 100))).isEmpty();
        assertThat(names(index.list("/c", EntryState.LIVE, Option.none(), 100))).isEmpty();
    }

    @Test
    void list_returns_only_keys_in_the_requested_state() {
        Index index = listed();
        assertThat(names(index.list("/", EntryState.UNLINKED, Option.none(), 100))).containsExactly("/a/u", "/u");
        assertThat(names(index.list("/a", EntryState.UNLINKED, Option.none(), 100))).containsExactly("/a/u");
        assertThat(names(index.list("/", EntryState.WRITING, Option.none(), 100))).containsExactly("/a/w");
    }

    @Test
    void list_starts_at_start_inclusive() {
        Index index = listed();
        assertThat(names(index.list("/", EntryState.LIVE, Option.of(key("/a/b")), 100)))
                .containsExactly("/a/b", "/aé", "/b", "/ä", "/Ａ", "/😀");
        // "/a0" is absent and sorts between "/a/b" ('/' is 0x2F, '0' 0x30) and "/aé".
        assertThat(names(index.list("/a", EntryState.LIVE, Option.of(key("/a0")), 100))).containsExactly("/aé");
    }

    @Test
    void a_start_before_the_prefix_lists_from_the_prefix_and_one_after_it_lists_nothing() {
        Index index = listed();
        assertThat(names(index.list("/b", EntryState.LIVE, Option.of(key("/a")), 100))).containsExactly("/b");
        assertThat(names(index.list("/a", EntryState.LIVE, Option.of(key("/b")), 100))).isEmpty();
    }

    @Test
    void list_stops_at_the_limit_and_pages_on_from_the_last_key() {
        Index index = listed();
        var seen = new ArrayList<String>();
        Option<Key> start = Option.none();
        while (true) {
            // Ask for one more than a page: the extra key, if any, starts the next page.
            Seq<Key> page = index.list("/", EntryState.LIVE, start, 4);
            assertThat(page.size()).isLessThanOrEqualTo(4);
            if (page.size() < 4) {
                page.forEach(k -> seen.add(k.value()));
                break;
            }
            page.init().forEach(k -> seen.add(k.value()));
            start = Option.of(page.last());
        }
        assertThat(seen).containsExactlyElementsOf(LIVE_KEYS);
        assertThat(index.list("/", EntryState.LIVE, Option.none(), 0)).isEmpty();
    }

    // ---- scan -------------------------------------------------------------------------------

    @Test
    void scan_pages_through_every_entry_in_key_order() {
        Index index = index();
        var all = new TreeMap<Key, Entry>();
        for (int i = 0; i < 25; i++) {
            Entry e = i % 3 == 0 ? writing("/scan/" + i, T0) : i % 3 == 1 ? live("/scan/é" + i) : inState("/scan/Z" + i, EntryState.UNLINKED);
            index.reserve(Option.none(), e);
            all.put(e.key(), e);
        }
        var seen = new ArrayList<Entry>();
        Option<Key> after = Option.none();
        for (Seq<Entry> page = index.scan(after, 7); !page.isEmpty(); page = index.scan(after, 7)) {
            assertThat(page.size()).isLessThanOrEqualTo(7);
            page.forEach(seen::add);
            after = Option.of(page.last().key());
        }
        assertThat(seen).containsExactlyElementsOf(all.values());
    }

    // ---- writingSince -----------------------------------------------------------------------

    @Test
    void writing_since_returns_only_writing_entries_updated_strictly_before_the_cutoff() {
        Index index = index();
        Entry old = writing("/old", T0);
        Entry atCutoff = writing("/at", T0.plusSeconds(1));
        Entry recent = writing("/recent", T0.plusSeconds(2));
        index.putAll(List.of(old, atCutoff, recent, live("/live/old"), inState("/unlinked/old", EntryState.UNLINKED)));
        assertThat(index.writingSince(T0.plusSeconds(1), 100)).containsExactly(old);
        assertThat(index.writingSince(T0.plusSeconds(1).plusNanos(500_000), 100)).containsExactlyInAnyOrder(old, atCutoff);
        assertThat(index.writingSince(T0, 100)).isEmpty();
    }

    @Test
    void writing_since_stops_at_the_limit() {
        Index index = index();
        var stale = new ArrayList<Entry>();
        for (int i = 0; i < 5; i++) stale.add(writing("/w" + i, T0.plusMillis(i)));
        index.putAll(List.ofAll(stale));
        Seq<Entry> found = index.writingSince(T0.plusSeconds(1), 3);
        assertThat(found).hasSize(3).doesNotHaveDuplicates();
        assertThat(stale).containsAll(found);
    }

    // ---- putAll and count -------------------------------------------------------------------

    @Test
    void put_all_inserts_and_overwrites_unconditionally() {
        Index index = index();
        Entry before = writing("/k", T0);
        index.reserve(Option.none(), before);
        Entry after = inState("/k", EntryState.UNLINKED);
        Seq<Entry> batch = List.of(after, live("/x"), live("/y"));
        index.putAll(batch);
        for (Entry e : batch) assertThat(index.get(e.key())).isEqualTo(Option.of(e));
        assertThat(index.count()).isEqualTo(3);
        index.putAll(List.empty());
        assertThat(index.count()).isEqualTo(3);
    }

    @Test
    void count_counts_entries_in_every_state() {
        Index index = index();
        assertThat(index.count()).isZero();
        index.putAll(List.of(writing("/1", T0), live("/2"), inState("/3", EntryState.UNLINKED)));
        assertThat(index.count()).isEqualTo(3);
        index.remove(live("/2"));
        assertThat(index.count()).isEqualTo(2);
    }

    // ---- the model property -----------------------------------------------------------------

    static final java.util.List<String> MODEL_KEYS = java.util.List.of("/a", "/a/b", "/aé", "/b", "/ä", "/😀", "/Z");
    static final java.util.List<String> MODEL_PREFIXES = java.util.List.of("/", "/a", "/a/", "/ä", "/b", "/Z", "/c");
    static final java.util.List<Seq<Replica>> MODEL_REPLICAS = java.util.List.of(List.empty(), List.of(R1), List.of(R1, R2), List.of(R3, R2));

    sealed interface Op {}

    record Get(int key) implements Op {}

    /** {@code expect}: 0 the row as the model has it, 1 none, 2 {@code other} re-keyed. */
    record Reserve(Entry next, int expect, Entry other) implements Op {}

    /** {@code expect}: 0 the row as the model has it (or {@code other} when absent), 1 {@code other}. */
    record Replace(Entry next, int expect, Entry other) implements Op {}

    record Remove(Entry target, int expect) implements Op {}

    record ListKeys(int prefix, EntryState state, int start, int limit) implements Op {}

    record Scan(int after, int limit) implements Op {}

    record WritingSince(int cutoffMillis, int limit) implements Op {}

    record PutAll(java.util.List<Entry> entries) implements Op {}

    record Count() implements Op {}

    static Entry modelEntry(int key, int state, int replicas, int size, int time) {
        EntryState s = EntryState.values()[state];
        Option<Md5> md5 = s == EntryState.WRITING && size % 2 == 0 ? Option.none() : Option.of(size < 2 ? MD5 : OTHER_MD5);
        return new Entry(key(MODEL_KEYS.get(key)), s, MODEL_REPLICAS.get(replicas), size, md5, T0, T0.plusMillis(time));
    }

    static Gen<List<Op>> operations() {
        Gen<Integer> keys = range(0, MODEL_KEYS.size() - 1);
        Gen<Entry> entries = keys.zip(range(0, 2), range(0, MODEL_REPLICAS.size() - 1), range(0, 3), range(0, 4), IndexContract::modelEntry);
        Gen<Op> get = keys.map(Get::new);
        Gen<Op> reserve = entries.zip(range(0, 2), entries, Reserve::new);
        Gen<Op> replace = entries.zip(range(0, 1), entries, Replace::new);
        Gen<Op> remove = entries.zip(range(0, 1), Remove::new);
        Gen<Op> list = range(0, MODEL_PREFIXES.size() - 1).zip(range(0, 2), range(-1, MODEL_KEYS.size() - 1), range(0, 8),
                (p, s, start, limit) -> new ListKeys(p, EntryState.values()[s], start, limit));
        Gen<Op> scan = range(-1, MODEL_KEYS.size() - 1).zip(range(0, 8), Scan::new);
        Gen<Op> writingSince = range(0, 5).zip(range(1, 8), WritingSince::new);
        Gen<Op> putAll = lists().of(entries).ofSizeBetween(0, 4).map(PutAll::new);
        Gen<Op> count = constant(new Count());
        Gen<Op> op = oneOf(reserve, reserve, replace, replace, remove, get, list, scan, writingSince, putAll, count);
        return lists().of(op).ofSizeBetween(1, 40).map((java.util.List<Op> l) -> List.ofAll(l));
    }

    @Test
    void random_operations_observe_the_same_results_as_a_sorted_map() {
        qt().withExamples(60).withShrinkCycles(200).forAll(operations()).checkAssert(ops -> {
            try (Index index = index()) {
                var model = new TreeMap<Key, Entry>();
                int step = 0;
                for (Op op : ops) {
                    step++;
                    String as = "step " + step + ": " + op;
                    switch (op) {
                        case Get g -> {
                            Key k = key(MODEL_KEYS.get(g.key()));
                            assertThat(index.get(k)).as(as).isEqualTo(Option.of(model.get(k)));
                        }
                        case Reserve r -> {
                            Option<Entry> current = Option.of(model.get(r.next().key()));
                            Option<Entry> expected = switch (r.expect()) {
                                case 0 -> current;
                                case 1 -> Option.none();
                                default -> Option.of(rekey(r.other(), r.next().key()));
                            };
                            boolean ok = current.equals(expected);
                            if (ok) model.put(r.next().key(), r.next());
                            assertThat(index.reserve(expected, r.next())).as(as).isEqualTo(ok);
                        }
                        case Replace r -> {
                            Entry current = model.get(r.next().key());
                            Entry expected = r.expect() == 0 && current != null ? current : rekey(r.other(), r.next().key());
                            boolean ok = expected.equals(current);
                            if (ok) model.put(r.next().key(), r.next());
                            assertThat(index.replace(expected, r.next())).as(as).isEqualTo(ok);
                        }
                        case Remove r -> {
                            Entry current = model.get(r.target().key());
                            Entry expected = r.expect() == 0 && current != null ? current : r.target();
                            boolean ok = model.remove(expected.key(), expected);
                            assertThat(index.remove(expected)).as(as).isEqualTo(ok);
                        }
                        case ListKeys l -> {
                            String prefix = MODEL_PREFIXES.get(l.prefix());
                            Option<Key> start = l.start() < 0 ? Option.none() : Option.of(key(MODEL_KEYS.get(l.start())));
                            byte[] p = utf8(prefix);
                            Seq<Key> want = List.ofAll(model.values())
                                    .filter(e -> e.state() == l.state())
                                    .map(Entry::key)
                                    .filter(k -> k.bytes().length >= p.length && Arrays.equals(k.bytes(), 0, p.length, p, 0, p.length))
                                    .filter(k -> start.isEmpty() || k.compareTo(start.get()) >= 0)
                                    .take(l.limit());
                            assertThat(index.list(prefix, l.state(), start, l.limit())).as(as).containsExactlyElementsOf(want);
                        }
                        case Scan s -> {
                            Map<Key, Entry> tail = s.after() < 0 ? model : model.tailMap(key(MODEL_KEYS.get(s.after())), false);
                            assertThat(index.scan(s.after() < 0 ? Option.none() : Option.of(key(MODEL_KEYS.get(s.after()))), s.limit()))
                                    .as(as).containsExactlyElementsOf(List.ofAll(tail.values()).take(s.limit()));
                        }
                        case WritingSince w -> {
                            Instant cutoff = T0.plusMillis(w.cutoffMillis());
                            Seq<Entry> stale = List.ofAll(model.values()).filter(e -> e.is(EntryState.WRITING) && e.updated().isBefore(cutoff));
                            Seq<Entry> found = index.writingSince(cutoff, w.limit());
                            assertThat(found).as(as).hasSize(Math.min(w.limit(), stale.size())).doesNotHaveDuplicates();
                            assertThat(stale).as(as).containsAll(found);
                        }
                        case PutAll p -> {
                            p.entries().forEach(e -> model.put(e.key(), e));
                            index.putAll(List.ofAll(p.entries()));
                        }
                        case Count c -> assertThat(index.count()).as(as).isEqualTo(model.size());
                    }
                }
                assertThat(index.scan(Option.none(), 100)).as("the whole index at the end").containsExactlyElementsOf(model.values());
            }
        });
    }

    private static Entry rekey(Entry e, Key key) {
        return new Entry(key, e.state(), e.replicas(), e.size(), e.md5(), e.created(), e.updated());
    }

    // ---- generations --------------------------------------------------------------------------

    @Test
    void reserved_generations_are_never_handed_out_twice_and_start_at_1() {
        Index index = index();
        long first = index.reserveGenerations(1000);
        assertThat(first).isEqualTo(1);
        assertThat(index.reserveGenerations(1)).isEqualTo(1001);
        assertThat(index.reserveGenerations(5)).isEqualTo(1002);
        assertThat(index.reserveGenerations(1)).isEqualTo(1007);
    }

    @Test
    void raising_generations_puts_later_reservations_above_the_floor_and_never_lowers_them() {
        Index index = index();
        index.raiseGenerations(41);
        assertThat(index.reserveGenerations(10)).isEqualTo(42);
        index.raiseGenerations(7); // below what was handed out: no effect
        assertThat(index.reserveGenerations(1)).isEqualTo(52);
    }

    @Test
    void generations_are_not_reused_after_the_rows_that_had_them_are_deleted() {
        Index index = index();
        long g = index.reserveGenerations(1);
        Entry e = Entry.live(key("/gen"), List.of(R1), 5, MD5, g, T0);
        assertThat(index.reserve(Option.none(), e)).isTrue();
        assertThat(index.remove(e)).isTrue();
        assertThat(index.reserveGenerations(1)).isGreaterThan(g);
    }

    @Test
    void an_entry_with_a_generation_a_pending_write_and_retired_values_reads_back_equal() {
        Index index = index();
        Entry e = Entry.live(key("/held"), List.of(R1, R2), 5, MD5, 9, T0)
                .withPending(Option.some(new mkv.domain.HeldGeneration(12, List.of(R3, R1), T0.plusMillis(5))), T0)
                .withRetired(List.of(new mkv.domain.HeldGeneration(8, List.of(R2), T0.minusSeconds(60)),
                        new mkv.domain.HeldGeneration(0, List.of(R1, R3), T0.minusSeconds(600))), T0);
        assertThat(index.reserve(Option.none(), e)).isTrue();
        assertThat(index.get(e.key())).contains(e);
        assertThat(index.scan(Option.none(), 10)).containsExactly(e);
    }

    @Test
    void a_conditional_write_fails_when_the_generation_pending_or_retired_differ() {
        Index index = index();
        Entry e = Entry.live(key("/cond"), List.of(R1), 5, MD5, 3, T0);
        assertThat(index.reserve(Option.none(), e)).isTrue();
        Entry otherGeneration = Entry.live(key("/cond"), List.of(R1), 5, MD5, 4, T0);
        Entry pending = e.withPending(Option.some(new mkv.domain.HeldGeneration(5, List.of(R2), T0)), T0);
        Entry retired = e.withRetired(List.of(new mkv.domain.HeldGeneration(2, List.of(R2), T0)), T0);
        assertThat(index.replace(otherGeneration, e)).isFalse();
        assertThat(index.replace(pending, e)).isFalse();
        assertThat(index.replace(retired, e)).isFalse();
        assertThat(index.remove(pending)).isFalse();
        assertThat(index.replace(e, pending)).isTrue();
        assertThat(index.replace(e, retired)).isFalse();
        assertThat(index.replace(pending, retired)).isTrue();
        assertThat(index.get(e.key())).contains(retired);
    }

    @Test
    void holding_finds_only_entries_with_a_pending_write_or_retired_values_in_key_order() {
        Index index = index();
        Entry plain = Entry.live(key("/a"), List.of(R1), 5, MD5, 1, T0);
        Entry pending = Entry.live(key("/b"), List.of(R1), 5, MD5, 2, T0)
                .withPending(Option.some(new mkv.domain.HeldGeneration(3, List.of(R1), T0)), T0);
        Entry retired = Entry.live(key("/c"), List.of(R1), 5, MD5, 4, T0)
                .withRetired(List.of(new mkv.domain.HeldGeneration(1, List.of(R2), T0)), T0);
        index.putAll(List.of(plain, pending, retired, live("/d")));
        assertThat(index.holding(Option.none(), 10)).containsExactly(pending, retired);
        assertThat(index.holding(Option.none(), 1)).containsExactly(pending);
        assertThat(index.holding(Option.some(pending.key()), 10)).containsExactly(retired);
        assertThat(index.holding(Option.some(retired.key()), 10)).isEmpty();
    }

    @Test
    void an_entry_owing_its_sidecars_reads_back_equal_is_found_by_holding_and_compared_by_conditional_writes() {
        Index index = index();
        Entry settled = Entry.live(key("/owes"), List.of(R1, R2), 5, MD5, 7, T0).withState(mkv.domain.EntryState.UNLINKED, T0);
        Entry owing = settled.withOwed(true, T0);
        index.putAll(List.of(live("/a"), owing, live("/z")));
        assertThat(index.get(owing.key())).contains(owing);
        assertThat(index.holding(Option.none(), 10)).containsExactly(owing);
        // The flag is part of the row: a writer that read it owing must not overwrite it settled, and back.
        assertThat(index.replace(settled, owing)).isFalse();
        assertThat(index.remove(settled)).isFalse();
        assertThat(index.replace(owing, settled)).isTrue();
        assertThat(index.get(owing.key())).contains(settled);
        assertThat(index.holding(Option.none(), 10)).isEmpty();
    }

    // ---- lost values and rows in flight -----------------------------------------------------

    @Test
    void a_lost_entry_reads_back_with_the_state_it_was_lost_from_and_conditional_writes_compare_it() {
        Index index = index();
        Entry live = Entry.live(key("/lost/live"), List.of(R1, R2), 5, MD5, 7, T0);
        Entry unlinked = inState("/lost/unlinked", EntryState.UNLINKED);
        index.putAll(List.of(live, unlinked));
        Entry lostLive = live.lost(T0.plusSeconds(1));
        Entry lostUnlinked = unlinked.lost(T0.plusSeconds(1));
        assertThat(index.replace(live, lostLive)).isTrue();
        assertThat(index.replace(unlinked, lostUnlinked)).isTrue();
        assertThat(index.get(live.key())).contains(lostLive);
        assertThat(index.get(live.key()).get().lostFrom()).contains(EntryState.LIVE);
        assertThat(index.get(unlinked.key()).get().lostFrom()).contains(EntryState.UNLINKED);
        // The same row lost from the other state is another row: a conditional write tells them apart.
        Entry lostOtherwise = new Entry(lostLive.key(), EntryState.LOST, lostLive.replicas(), lostLive.size(), lostLive.md5(),
                lostLive.created(), lostLive.updated(), lostLive.generation(), Option.none(), List.empty(), Option.some(EntryState.UNLINKED));
        assertThat(index.replace(lostOtherwise, live)).isFalse();
        assertThat(index.remove(lostOtherwise)).isFalse();
        Entry found = lostLive.found(T0.plusSeconds(2));
        assertThat(index.replace(lostLive, found)).isTrue();
        assertThat(index.get(live.key())).contains(found);
        assertThat(found.lostFrom()).isEmpty();
    }

    @Test
    void list_of_lost_keys_returns_only_lost_keys_under_the_prefix() {
        Index index = listed();
        index.putAll(List.of(live("/a/l").lost(T0), inState("/l", EntryState.UNLINKED).lost(T0), live("/z").lost(T0)));
        assertThat(names(index.list("/", EntryState.LOST, Option.none(), 100))).containsExactly("/a/l", "/l", "/z");
        assertThat(names(index.list("/a", EntryState.LOST, Option.none(), 100))).containsExactly("/a/l");
        assertThat(names(index.list("/", EntryState.LOST, Option.of(key("/b")), 1))).containsExactly("/l");
        assertThat(names(index.list("/", EntryState.LIVE, Option.none(), 100))).doesNotContain("/a/l", "/z");
    }

    @Test
    void put_all_over_a_lost_row_replaces_it_whole_as_a_rebuild_does() {
        Index index = index();
        Entry lost = live("/rebuilt").lost(T0);
        index.putAll(List.of(lost));
        Entry rebuilt = inState("/rebuilt", EntryState.UNLINKED);
        index.putAll(List.of(rebuilt));
        assertThat(index.get(rebuilt.key())).contains(rebuilt);
        assertThat(index.list("/", EntryState.LOST, Option.none(), 10)).isEmpty();
    }

    @Test
    void in_flight_lists_writing_rows_and_pending_replaces_under_the_prefix_in_key_order_from_start() {
        Index index = index();
        Entry write = writing("/f/a", T0);
        Entry delete = live("/f/b").withState(EntryState.WRITING, T0);
        Entry replace = Entry.live(key("/f/c"), List.of(R1), 5, MD5, 2, T0)
                .withPending(Option.some(new mkv.domain.HeldGeneration(3, List.of(R2), T0)), T0);
        Entry retiredOnly = Entry.live(key("/f/d"), List.of(R1), 5, MD5, 4, T0)
                .withRetired(List.of(new mkv.domain.HeldGeneration(1, List.of(R2), T0)), T0);
        Entry outside = writing("/g", T0);
        index.putAll(List.of(write, delete, replace, retiredOnly, live("/f/e"), live("/f/f").lost(T0), outside));
        assertThat(index.inFlight("/f/", Option.none(), 10)).containsExactly(write, delete, replace);
        assertThat(index.inFlight("/f/", Option.none(), 2)).containsExactly(write, delete);
        assertThat(index.inFlight("/f/", Option.of(key("/f/b")), 10)).containsExactly(delete, replace);
        assertThat(index.inFlight("/", Option.none(), 10)).containsExactly(write, delete, replace, outside);
        assertThat(index.inFlight("/h", Option.none(), 10)).isEmpty();
    }
}
