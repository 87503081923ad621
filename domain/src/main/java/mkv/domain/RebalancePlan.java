package mkv.domain;

import io.vavr.collection.Seq;
import java.time.Instant;

/** How one entry's replicas must change to match a ring: what to copy where, what to drop. */
public record RebalancePlan(Entry entry, Seq<Replica> target, Seq<Replica> copyTo, Seq<Replica> deleteFrom) {

    /** Nothing to copy and nothing to delete. */
    public boolean unchanged() {
        return copyTo.isEmpty() && deleteFrom.isEmpty();
    }

    /** Replicas that hold the data now and stay: the sources to copy from first. */
    public Seq<Replica> keep() {
        return entry.replicas().filter(target::contains);
    }

    /**
     * Pure. Only LIVE and UNLINKED entries move; a WRITING entry, or one with a pending replace,
     * is left to its writer, and a LOST one stays where its value was, for a replica that reappears there. Only the current generation moves: retired ones stay where the row
     * names them until the retire sweep deletes them.
     */
    public static RebalancePlan between(Entry entry, Ring ring, int replicas) {
        if (entry.is(EntryState.WRITING) || entry.is(EntryState.LOST) || entry.pending().isDefined()) {
            return new RebalancePlan(entry, entry.replicas(), entry.replicas().take(0), entry.replicas().take(0));
        }
        Seq<Replica> target = Replica.canonical(ring.replicasFor(entry.key(), replicas));
        Seq<Replica> current = entry.replicas();
        return new RebalancePlan(entry, target, target.removeAll(current), current.removeAll(target));
    }

    /** Pure. The plans for entries that must change. */
    public static Seq<RebalancePlan> between(Seq<Entry> entries, Ring ring, int replicas) {
        return entries.map(e -> between(e, ring, replicas)).filter(p -> !p.unchanged());
    }

    /** Pure. The entry once every copy is made: placed on the target replicas. */
    public Entry applied(Instant now) {
        return entry.withReplicas(target, now);
    }
}
