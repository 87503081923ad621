package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import mkv.domain.port.HealthSnapshot;
import mkv.domain.port.Transfer;

/** The DELETE and UNLINK decisions, before and after their volume calls. */
public final class Removal {
    private Removal() {}

    /** Whether a DELETE or UNLINK may go ahead. */
    public sealed interface Decision {
        record Proceed(Entry entry) implements Decision {}

        record Absent() implements Decision {}

        /** {@code --protect}: a live key must be unlinked before it can be deleted. */
        record Protected(Entry entry) implements Decision {}

        record Busy(Entry entry) implements Decision {}

        /** UNLINK of a lost value: there is nothing to soft-delete (DELETE removes the key). */
        record Lost(Entry entry) implements Decision {}

        /** A replica's volume is down: nothing is touched, so nothing is half-deleted. */
        record Unavailable(Seq<Volume> down) implements Decision {}
    }

    /**
     * Pure. Delete removes live, unlinked and lost keys alike (a lost key's remaining files too,
     * so its volumes must be up: a file left on a down one could be adopted back later); under protect a live key is refused;
     * a key being written is busy; a down replica refuses the delete before it starts.
     */
    public static Decision decideDelete(Option<Entry> existing, boolean protect, HealthSnapshot health) {
        if (existing.isEmpty()) return new Decision.Absent();
        Entry e = existing.get();
        if (e.is(EntryState.WRITING) || e.pending().isDefined()) return new Decision.Busy(e);
        if (protect && e.is(EntryState.LIVE)) return new Decision.Protected(e);
        return needAllUp(e, health);
    }

    /**
     * Pure. Only a live key can be unlinked; its sidecars are rewritten, so its volumes must be up.
     * A lost one cannot: no replica holds a value whose sidecar could say so.
     */
    public static Decision decideUnlink(Option<Entry> existing, HealthSnapshot health) {
        if (existing.isEmpty() || existing.get().is(EntryState.UNLINKED)) return new Decision.Absent();
        Entry e = existing.get();
        if (e.is(EntryState.WRITING) || e.pending().isDefined()) return new Decision.Busy(e);
        if (e.is(EntryState.LOST)) return new Decision.Lost(e);
        return needAllUp(e, health);
    }

    private static Decision needAllUp(Entry e, HealthSnapshot health) {
        Seq<Volume> down = e.volumes().filter(v -> !health.isUp(v));
        return down.isEmpty() ? new Decision.Proceed(e) : new Decision.Unavailable(down);
    }

    /** What a delete's volume calls leave behind. */
    public sealed interface Deleted {
        /** Every blob and sidecar is gone: drop the row. */
        record Gone() implements Deleted {}

        /** Some replicas remain: keep the key unlinked, so a retry or verify can finish. */
        record Partly(Entry unlinked, Seq<Transfer.Failed> failures) implements Deleted {}
    }

    /** Pure. */
    public static Deleted afterDelete(Entry entry, Seq<Transfer> deletes, java.time.Instant now) {
        Seq<Transfer.Failed> failed = Fanout.failures(deletes);
        return failed.isEmpty() ? new Deleted.Gone()
                : new Deleted.Partly(entry.withState(EntryState.UNLINKED, now), failed);
    }
}
