package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;

/** Where a read goes: one healthy replica, or why there is none. */
public sealed interface ReadResult {

    record Found(Entry entry, Replica replica) implements ReadResult {}

    /** No such key, or it is unlinked or still being written. */
    record Absent() implements ReadResult {}

    /** {@code mkv verify} found no replica holding the value: 410 Gone until a good replica reappears, a DELETE or a new PUT. */
    record Lost(Entry entry) implements ReadResult {}

    /** The key exists but every replica's volume is down. */
    record Unavailable(Entry entry) implements ReadResult {}

    /**
     * Pure. A healthy replica chosen by {@code draw}, so load spreads over the replicas; one
     * on a trusted volume when there is one, since a suspect volume may be hanging; else one
     * on the suspect volume that answered a probe most recently.
     */
    static ReadResult choose(Option<Entry> entry, HealthSnapshot health, int draw) {
        if (entry.exists(e -> e.is(EntryState.LOST))) return new Lost(entry.get());
        if (entry.isEmpty() || !entry.get().is(EntryState.LIVE)) return new Absent();
        Entry e = entry.get();
        Seq<Replica> healthy = e.replicas().filter(r -> health.isUp(r.volume()));
        if (healthy.isEmpty()) return new Unavailable(e);
        Seq<Replica> trusted = healthy.filter(r -> health.isTrusted(r.volume()));
        Seq<Replica> pool = trusted;
        if (pool.isEmpty()) {
            // Every replica missed its latest probe: the one that answered most recently is the
            // least likely to be hanging.
            long freshest = healthy.map(r -> health.lastAnswered(r.volume())).max().get();
            pool = healthy.filter(r -> health.lastAnswered(r.volume()) == freshest);
        }
        return new Found(e, pool.get(Math.floorMod(draw, pool.size())));
    }
}
