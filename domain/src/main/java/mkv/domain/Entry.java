package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One row of the index: a key, its state, where its replicas are, and what was stored.
 * Times are kept to the millisecond, the index's precision, so an entry read back equals the
 * one written and conditional updates can compare whole entries.
 */
public record Entry(Key key, EntryState state, Seq<Replica> replicas, long size, Option<Md5> md5,
                    Instant created, Instant updated) {

    public Entry {
        if (key == null || state == null || replicas == null || md5 == null || created == null || updated == null) {
            throw new IllegalArgumentException("entry fields must not be null");
        }
        if (size < 0) throw new IllegalArgumentException("negative size");
        if (state != EntryState.WRITING && md5.isEmpty()) throw new IllegalArgumentException(state + " entry needs an md5");
        replicas = canonical(replicas);
        created = created.truncatedTo(ChronoUnit.MILLIS);
        updated = updated.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Replicas are kept sorted and distinct, so equal placements are equal values. */
    public static Seq<Replica> canonical(Seq<Replica> replicas) {
        // Every row read back from the index is already canonical: check before re-sorting
        // (the sort formats each replica as text; it was ~4% of a GET's CPU).
        String previous = null;
        boolean sorted = true;
        for (Replica r : replicas) {
            String text = r.toString();
            if (previous != null && previous.compareTo(text) >= 0) {
                sorted = false;
                break;
            }
            previous = text;
        }
        if (sorted && replicas instanceof io.vavr.collection.List<Replica>) return replicas;
        return replicas.distinct().sortBy(Replica::toString).toList();
    }

    /** A reservation: the key is being written to these replicas. */
    public static Entry writing(Key key, Seq<Replica> replicas, Instant now) {
        return new Entry(key, EntryState.WRITING, replicas, 0, Option.none(), now, now);
    }

    public static Entry live(Key key, Seq<Replica> replicas, long size, Md5 md5, Instant now) {
        return new Entry(key, EntryState.LIVE, replicas, size, Option.of(md5), now, now);
    }

    public Entry withState(EntryState next, Instant now) {
        return new Entry(key, next, replicas, size, md5, created, now);
    }

    public Entry withReplicas(Seq<Replica> next, Instant now) {
        return new Entry(key, state, next, size, md5, created, now);
    }

    public Seq<Volume> volumes() {
        return replicas.map(Replica::volume);
    }

    public boolean is(EntryState s) {
        return state == s;
    }

    /** The sidecar that describes this entry on its volumes. */
    public Sidecar sidecar() {
        return new Sidecar(key, size, md5.getOrElseThrow(() -> new IllegalStateException("no md5 while " + state)),
                state, created, Sidecar.FORMAT);
    }
}
