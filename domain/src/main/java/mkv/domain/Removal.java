package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;

/** The DELETE, UNLINK and RELINK decisions, before and after their volume calls. */
public final class Removal {
    private Removal() {}

    /** Whether a DELETE, UNLINK or RELINK may go ahead. */
    public sealed interface Decision {
        record Proceed(Entry entry) implements Decision {}

        record Absent() implements Decision {}

        /** {@code --protect}: a live key must be unlinked before it can be deleted. */
        record Protected(Entry entry) implements Decision {}

        record Busy(Entry entry) implements Decision {}

        /** RELINK of a key that is live already: nothing to restore. */
        record AlreadyLive(Entry entry) implements Decision {}

        /** UNLINK or RELINK of a lost value: there is nothing to soft-delete or restore (DELETE removes the key). */
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

    /**
     * Pure. Only an unlinked key can be relinked; its sidecars are rewritten, so its volumes must
     * be up. A live key is refused (nothing to restore), as is one being written or replaced, and
     * a lost one (no replica to restore).
     */
    public static Decision decideRelink(Option<Entry> existing, HealthSnapshot health) {
        if (existing.isEmpty()) return new Decision.Absent();
        Entry e = existing.get();
        if (e.is(EntryState.WRITING) || e.pending().isDefined()) return new Decision.Busy(e);
        if (e.is(EntryState.LIVE)) return new Decision.AlreadyLive(e);
        if (e.is(EntryState.LOST)) return new Decision.Lost(e);
        return needAllUp(e, health);
    }

    /**
     * Pure. The row an UNLINK or RELINK commits before it touches a sidecar: the new state,
     * marked as owing its sidecars, so that from this commit on the change stands and a failure
     * or a crash midway is finished by recovery rather than left as sidecars that contradict it.
     */
    public static Entry intent(Entry current, EntryState next, java.time.Instant now) {
        if (next == EntryState.WRITING) throw new IllegalArgumentException("an intent is LIVE or UNLINKED");
        return current.withState(next, now).withOwed(true, now);
    }

    /** Pure. The row once its sidecars were rewritten: settled when every write succeeded, still owing otherwise. */
    public static Restated afterRestate(Entry intent, Seq<Transfer> sidecars, java.time.Instant now) {
        Seq<Transfer.Failed> failed = Fanout.failures(sidecars);
        return failed.isEmpty() ? new Restated.Settled(intent.withOwed(false, now)) : new Restated.Owing(failed);
    }

    /** What rewriting the sidecars after an UNLINK or RELINK left. */
    public sealed interface Restated {
        /** Every sidecar says the row's state: the row no longer owes anything. */
        record Settled(Entry row) implements Restated {}

        /** Some sidecar writes failed: the row keeps owing, and recovery rewrites them. */
        record Owing(Seq<Transfer.Failed> failures) implements Restated {}
    }

    private static Decision needAllUp(Entry e, HealthSnapshot health) {
        Seq<Volume> down = e.volumes().filter(v -> !health.isUp(v));
        return down.isEmpty() ? new Decision.Proceed(e) : new Decision.Unavailable(down);
    }

    /** What a delete's volume calls leave behind. */
    public sealed interface Deleted {
        /** Every blob is gone: the delete can answer, and its sidecars go next, then the row. */
        record Gone() implements Deleted {}

        /**
         * Some files remain: the row stays WRITING, naming them, and recovery deletes them once
         * their volume answers. The delete is not undone: the key reads as absent from the start
         * of the delete on, and no sidecar of it says LIVE where its blob is already gone.
         */
        record Partly(Seq<Transfer.Failed> failures) implements Deleted {}
    }

    /**
     * Pure. The row a DELETE commits before it removes any file: WRITING, naming every file, so
     * that from this commit on the delete stands and recovery finishes whatever a failure or a
     * crash leaves. It owes no sidecar: they are being removed, not rewritten.
     */
    public static Entry deleting(Entry current, java.time.Instant now) {
        return current.withOwed(false, now).withState(EntryState.WRITING, now);
    }

    /** Pure. */
    public static Deleted afterDelete(Seq<Transfer> deletes) {
        Seq<Transfer.Failed> failed = Fanout.failures(deletes);
        return failed.isEmpty() ? new Deleted.Gone() : new Deleted.Partly(failed);
    }
}
