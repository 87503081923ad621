package mkv.domain.port;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import mkv.domain.ClusterId;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import java.time.Instant;

/**
 * The index: key → entry. Every change is conditional on the entry the caller read, so
 * concurrent writers (a PUT racing a PUT, a rebalance beside live traffic) never clobber
 * or resurrect each other's work. A returned {@code true} means the change is durable.
 */
public interface Index extends AutoCloseable {

    Option<Entry> get(Key key);

    /**
     * Inserts {@code next} if the key is absent ({@code expected} none) or still holds
     * exactly {@code expected}; false when someone else got there first.
     */
    boolean reserve(Option<Entry> expected, Entry next);

    /** Replaces {@code expected} with {@code next}, if the row still equals {@code expected}. */
    boolean replace(Entry expected, Entry next);

    /** Removes the row if it still equals {@code expected}. */
    boolean remove(Entry expected);

    /**
     * Up to {@code limit} keys in {@code state} that start with {@code prefix}, in bytewise
     * order, from {@code start} (inclusive) on.
     */
    Seq<Key> list(String prefix, EntryState state, Option<Key> start, int limit);

    /**
     * Up to {@code limit} entries that start with {@code prefix} and are in flight — WRITING, or
     * holding a pending write — in bytewise key order from {@code start} (inclusive): for operators.
     */
    Seq<Entry> inFlight(String prefix, Option<Key> start, int limit);

    /** Up to {@code limit} entries after {@code after} in key order: for whole-index walks. */
    Seq<Entry> scan(Option<Key> after, int limit);

    /** WRITING entries last updated before {@code cutoff}: leftovers of a crash or a failed cleanup. */
    Seq<Entry> writingSince(Instant cutoff, int limit);

    /**
     * Up to {@code limit} entries after {@code after} in key order that name files besides their
     * current value (a pending write or retired generations), or that owe their sidecars a
     * rewrite ({@link Entry#owed()}). Few: recovery and the retire sweep.
     */
    Seq<Entry> holding(Option<Key> after, int limit);

    /**
     * Hands out {@code n} generation numbers never handed out before by this index, even across
     * restarts, deletes and rebuilds: returns the first of them (at least 1). The high-water mark
     * is durable before this returns; numbers handed out and never used are simply skipped.
     */
    long reserveGenerations(int n);

    /** Makes every later {@link #reserveGenerations} return numbers above {@code floor}: for a rebuild. */
    void raiseGenerations(long floor);

    /** Inserts or overwrites entries in bulk, unconditionally: the rebuild path. */
    void putAll(Seq<Entry> entries);

    /** The cluster this index belongs to; none for a new index, or one made before clusters had ids. */
    Option<ClusterId> cluster();

    /**
     * Records the cluster id unless one is already recorded; true when the index now belongs
     * to {@code cluster}, false when it already belonged to another (which stays).
     */
    boolean claim(ClusterId cluster);

    /** Number of entries, all states. */
    long count();

    @Override
    void close();
}
