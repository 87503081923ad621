package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import mkv.domain.port.HealthSnapshot;

/** Whether a PUT may go ahead, and where its replicas go. */
public sealed interface PutDecision {

    /** Write to {@code targets}; {@code previous} is the unlinked entry being replaced, if any. */
    record Proceed(Seq<Replica> targets, Option<Entry> previous) implements PutDecision {}

    record AlreadyExists(Entry entry) implements PutDecision {}

    record Busy(Entry entry) implements PutDecision {}

    /** A target volume is down: nothing is written. */
    record Unavailable(Seq<Volume> down) implements PutDecision {}

    /**
     * Pure. A live key is never overwritten; a key being written or deleted is busy; an
     * unlinked key may be written again; a down target refuses the write before any byte.
     */
    static PutDecision decide(Option<Entry> existing, Seq<Replica> targets, HealthSnapshot health) {
        if (existing.isDefined()) {
            Entry e = existing.get();
            switch (e.state()) {
                case LIVE -> { return new AlreadyExists(e); }
                case WRITING -> { return new Busy(e); }
                case UNLINKED -> { }
            }
        }
        Seq<Volume> down = targets.map(Replica::volume).filter(v -> !health.isUp(v));
        if (!down.isEmpty()) return new Unavailable(down);
        return new Proceed(targets, existing);
    }
}
