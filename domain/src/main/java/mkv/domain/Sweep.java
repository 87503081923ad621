package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;

/**
 * What recovery does with the generations a row holds besides its value: a pending write no
 * request finished before {@code pendingCutoff} is abandoned, and a retired value replaced
 * before {@code retiredCutoff} (its grace over: no redirect handed out before the switch can
 * still be followed) is deleted. Their files go first, then the row drops them, conditionally.
 */
public record Sweep(Seq<HeldGeneration> delete, Entry next) {

    /** Pure. None when the entry holds nothing due; WRITING rows are left to {@code StaleWrites}. */
    public static Option<Sweep> of(Entry e, Instant pendingCutoff, Instant retiredCutoff) {
        if (e.is(EntryState.WRITING)) return Option.none();
        Option<HeldGeneration> stale = e.pending().filter(p -> p.since().isBefore(pendingCutoff));
        Seq<HeldGeneration> old = e.retired().filter(r -> r.since().isBefore(retiredCutoff));
        if (stale.isEmpty() && old.isEmpty()) return Option.none();
        Entry next = e.withPending(stale.isDefined() ? Option.none() : e.pending(), e.updated())
                .withRetired(e.retired().removeAll(old), e.updated());
        return Option.some(new Sweep(old.appendAll(stale), next));
    }
}
