package mkv.domain.fake;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.port.Index;

/** The index as a sorted map under one lock: the reference the SQLite index is held to. */
public final class InMemoryIndex implements Index {
    private final TreeMap<Key, Entry> rows = new TreeMap<>();
    private Option<mkv.domain.ClusterId> cluster = Option.none();
    private long generations; // the highest generation number handed out

    @Override
    public synchronized Option<mkv.domain.ClusterId> cluster() {
        return cluster;
    }

    @Override
    public synchronized boolean claim(mkv.domain.ClusterId id) {
        if (cluster.isEmpty()) cluster = Option.some(id);
        return cluster.contains(id);
    }

    @Override
    public synchronized Option<Entry> get(Key key) {
        return Option.of(rows.get(key));
    }

    @Override
    public synchronized boolean reserve(Option<Entry> expected, Entry next) {
        Entry now = rows.get(next.key());
        if (!Option.of(now).equals(expected)) return false;
        rows.put(next.key(), next);
        return true;
    }

    @Override
    public synchronized boolean replace(Entry expected, Entry next) {
        if (!expected.equals(rows.get(expected.key()))) return false;
        rows.put(next.key(), next);
        return true;
    }

    @Override
    public synchronized boolean remove(Entry expected) {
        return rows.remove(expected.key(), expected);
    }

    @Override
    public synchronized Seq<Key> list(String prefix, EntryState state, Option<Key> start, int limit) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Key> out = List.empty();
        for (Map.Entry<Key, Entry> row : rows.entrySet()) {
            if (out.size() >= limit) break;
            Key k = row.getKey();
            byte[] b = k.bytes();
            boolean under = b.length >= p.length && Arrays.equals(b, 0, p.length, p, 0, p.length);
            boolean after = start.isEmpty() || k.compareTo(start.get()) >= 0;
            if (under && after && row.getValue().state() == state) out = out.prepend(k);
        }
        return out.reverse();
    }

    @Override
    public synchronized Seq<Entry> inFlight(String prefix, Option<Key> start, int limit) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Entry> out = List.empty();
        for (Entry e : rows.values()) {
            if (out.size() >= limit) break;
            byte[] b = e.key().bytes();
            boolean under = b.length >= p.length && Arrays.equals(b, 0, p.length, p, 0, p.length);
            boolean after = start.isEmpty() || e.key().compareTo(start.get()) >= 0;
            if (under && after && (e.is(EntryState.WRITING) || e.pending().isDefined())) out = out.prepend(e);
        }
        return out.reverse();
    }

    @Override
    public synchronized Seq<Entry> scan(Option<Key> after, int limit) {
        var tail = after.isEmpty() ? rows : rows.tailMap(after.get(), false);
        return List.ofAll(tail.values()).take(limit);
    }

    @Override
    public synchronized Seq<Entry> writingSince(Instant cutoff, int limit) {
        return List.ofAll(rows.values()).filter(e -> e.is(EntryState.WRITING) && e.updated().isBefore(cutoff)).take(limit);
    }

    @Override
    public synchronized Seq<Entry> holding(Option<Key> after, int limit) {
        var tail = after.isEmpty() ? rows : rows.tailMap(after.get(), false);
        return List.ofAll(tail.values()).filter(e -> e.pending().isDefined() || !e.retired().isEmpty() || e.owed()).take(limit);
    }

    @Override
    public synchronized long reserveGenerations(int n) {
        if (n < 1) throw new IllegalArgumentException("reserve at least one generation");
        long first = generations + 1;
        generations += n;
        return first;
    }

    @Override
    public synchronized void raiseGenerations(long floor) {
        generations = Math.max(generations, floor);
    }

    @Override
    public synchronized void putAll(Seq<Entry> entries) {
        entries.forEach(e -> rows.put(e.key(), e));
    }

    @Override
    public synchronized long count() {
        return rows.size();
    }

    @Override
    public void close() {}
}
