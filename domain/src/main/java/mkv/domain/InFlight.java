package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Duration;
import java.time.Instant;

/**
 * What a row in flight is doing, as the row itself tells it, for operators ({@code ?writing}):
 * a new key being written (WRITING, no md5 yet), a delete in progress (WRITING with the md5 of
 * the value being removed), or a replace (a pending generation beside the value), since when.
 */
public record InFlight(Key key, Kind kind, long generation, Seq<Replica> replicas, Instant since, Duration age) {

    /** The three things a row can be in the middle of. */
    public enum Kind { WRITE, DELETE, REPLACE }

    /**
     * Pure. None for a row at rest. A WRITING row is a write until its value has an md5 — a
     * DELETE marks the row WRITING keeping it — and a delete after; a pending generation is a
     * replace. The age is counted from the row's last change (a replace: from its reservation).
     */
    public static Option<InFlight> of(Entry e, Instant now) {
        if (e.is(EntryState.WRITING)) {
            Kind kind = e.md5().isDefined() ? Kind.DELETE : Kind.WRITE;
            return Option.some(new InFlight(e.key(), kind, e.generation(), e.replicas(), e.updated(), age(e.updated(), now)));
        }
        return e.pending().map(p -> new InFlight(e.key(), Kind.REPLACE, p.generation(), p.replicas(), p.since(), age(p.since(), now)));
    }

    private static Duration age(Instant since, Instant now) {
        Duration d = Duration.between(since, now);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
