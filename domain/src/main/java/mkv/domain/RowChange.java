package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.collection.Set;
import java.time.Instant;
import mkv.domain.Verification.Finding;

/** What verify does to an entry's row once its replicas are judged: mark it LOST, restore it, or leave it. */
public sealed interface RowChange {
    /** Nothing: the row says what the replicas hold, or the row is not verify's to change. */
    record Keep() implements RowChange {}

    /** No replica holds the value: the row becomes LOST (GET 410), remembering its state. */
    record MarkLost(Entry next) implements RowChange {}

    /** The value is lost, but a guard forbids saying so: the reason, for the report. */
    record Unconfirmed(String why) implements RowChange {}

    /** A LOST row has a good replica again: it becomes what it was before. */
    record Restore(Entry next) implements RowChange {}

    /**
     * Pure. What the row of {@code entry} becomes, from its judged findings (for a LOST row, judged
     * as the entry it was: {@link Entry#found}). A LIVE or UNLINKED row whose value is lost is
     * marked LOST only when every replica was asked and answered missing or damaged (a volume that
     * did not answer makes the key under-replicated, never lost), only on volumes in
     * {@code confirmed} (reachable and carrying this cluster's marker, so a wrong volume list, a
     * volume whose disk is not mounted, or another cluster's volume at that address cannot make
     * its keys lost), and never while a replace is being written beside the value (that row is
     * its writer's). A LOST row with any good replica is restored.
     */
    static RowChange after(Entry entry, Seq<Finding> judged, Set<Volume> confirmed, Instant now) {
        if (entry.is(EntryState.LOST)) {
            boolean good = !Verification.good(entry, judged).isEmpty();
            return good && entry.pending().isEmpty() ? new Restore(entry.found(now)) : new Keep();
        }
        if (!judged.exists(f -> f instanceof Finding.Lost) || entry.is(EntryState.WRITING)) return new Keep();
        if (entry.pending().isDefined()) return new Unconfirmed("a replace is being written beside it");
        Seq<Volume> unconfirmed = entry.volumes().filter(v -> !confirmed.contains(v)).distinct();
        if (!unconfirmed.isEmpty()) {
            return new Unconfirmed("volume(s) " + unconfirmed.mkString(", ") + " were not listed in --volumes or do not carry "
                    + "this cluster's marker, so their answers may not be this cluster's");
        }
        return new MarkLost(entry.lost(now));
    }

    /**
     * Pure. How many keys a repair marks LOST without {@code --force}: 1% of the entries, at
     * least 100, like orphans. More lost keys than that rarely means so many values are gone;
     * it usually means volumes answering without their data (an unmounted disk, a wrong address).
     */
    static long allowance(long entries) {
        return Verification.orphanAllowance(entries);
    }
}
