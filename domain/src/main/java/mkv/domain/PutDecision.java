package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;

/** Whether a PUT may go ahead, and how: a new key, or a new generation beside the current value. */
public sealed interface PutDecision {

    /** A brand-new key: write to {@code targets} under a WRITING row. */
    record Create(Seq<Replica> targets) implements PutDecision {}

    /**
     * A key that has a value (live or unlinked): write a new generation to {@code targets}
     * beside it, keeping {@code current} whole and readable until the switch.
     */
    record Replace(Entry current, Seq<Replica> targets) implements PutDecision {}

    /** Create only, and the key is live: 403. */
    record AlreadyExists(Entry entry) implements PutDecision {}

    /** {@code If-Match: *} and the key has no live value (absent, or unlinked): 404. */
    record NoLiveValue() implements PutDecision {}

    /**
     * {@code If-Match} (any form) and the key's value is lost: there is no current value for the
     * condition to match (RFC 9110, 13.1.1), so 412. A PUT without a condition writes a new value.
     */
    record ValueLost(Entry entry) implements PutDecision {}

    /** {@code If-Match: "<md5>"} and the live value is not that one (or there is none): 412. */
    record PreconditionFailed() implements PutDecision {}

    record Busy(Entry entry) implements PutDecision {}

    /** A target volume is down: nothing is written. */
    record Unavailable(Seq<Volume> down) implements PutDecision {}

    /**
     * Pure. A key being written, deleted or replaced is busy. Create only: a live key is never
     * overwritten, an unlinked one is replaced, an absent one created. {@code If-Match}:
     * only a live value is replaced, and with an md5 only that very value; a lost value (GET
     * answers 410) has no current value to match, so any {@code If-Match} fails while create only
     * writes over it, as over an unlinked one. Last, a down target refuses the write before any byte.
     */
    static PutDecision decide(Option<Entry> existing, PutCondition condition, Seq<Replica> targets, HealthSnapshot health) {
        Option<Entry> live = existing.filter(e -> e.is(EntryState.LIVE));
        if (existing.exists(e -> e.is(EntryState.WRITING) || e.pending().isDefined())) return new Busy(existing.get());
        switch (condition) {
            case PutCondition.CreateOnly c -> {
                if (live.isDefined()) return new AlreadyExists(live.get());
            }
            case PutCondition.ReplaceAny a -> {
                if (existing.exists(e -> e.is(EntryState.LOST))) return new ValueLost(existing.get());
                if (live.isEmpty()) return new NoLiveValue();
            }
            case PutCondition.ReplaceIf m -> {
                if (existing.exists(e -> e.is(EntryState.LOST))) return new ValueLost(existing.get());
                if (!live.exists(e -> e.md5().contains(m.md5()))) return new PreconditionFailed();
            }
        }
        Seq<Volume> down = targets.map(Replica::volume).filter(v -> !health.isUp(v));
        if (!down.isEmpty()) return new Unavailable(down);
        return existing.isEmpty() ? new Create(targets) : new Replace(existing.get(), targets);
    }

    /** Pure. The decision for a PUT without conditional headers. */
    static PutDecision decide(Option<Entry> existing, Seq<Replica> targets, HealthSnapshot health) {
        return decide(existing, new PutCondition.CreateOnly(), targets, health);
    }
}
