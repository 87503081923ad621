package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import mkv.domain.port.HealthSnapshot;

/** Whether a PUT may go ahead, and how: a new key, or a new generation beside the current value. */
public sealed interface PutDecision {

    /** A brand-new key: write to {@code targets} under a WRITING row. */
    record Create(Seq<Replica> targets) implements PutDecision {}

    /**
     * A key that has a value (unlinked, for now): write a new generation to {@code targets}
     * beside it, keeping {@code current} whole and readable until the switch.
     */
    record Replace(Entry current, Seq<Replica> targets) implements PutDecision {}

    record AlreadyExists(Entry entry) implements PutDecision {}

    record Busy(Entry entry) implements PutDecision {}

    /** A target volume is down: nothing is written. */
    record Unavailable(Seq<Volume> down) implements PutDecision {}

    /**
     * Pure. A live key is never overwritten; a key being written, deleted or replaced is busy;
     * an unlinked key is replaced by a new generation; a down target refuses the write before
     * any byte.
     */
    static PutDecision decide(Option<Entry> existing, Seq<Replica> targets, HealthSnapshot health) {
        if (existing.isDefined()) {
            Entry e = existing.get();
            if (e.is(EntryState.WRITING) || e.pending().isDefined()) return new Busy(e);
            if (e.is(EntryState.LIVE)) return new AlreadyExists(e);
        }
        Seq<Volume> down = targets.map(Replica::volume).filter(v -> !health.isUp(v));
        if (!down.isEmpty()) return new Unavailable(down);
        return existing.isEmpty() ? new Create(targets) : new Replace(existing.get(), targets);
    }
}
