package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One row of the index: a key, its state, where its replicas are, what was stored, and which
 * generation of the key that is (0: written before generations). {@code pending} is a replace
 * being written beside the current value; {@code retired} are replaced values whose files wait
 * out a grace before they are deleted. {@code lostFrom} is the state a LOST entry had before its
 * value was lost (LIVE or UNLINKED), none in every other state. Times are kept to the millisecond, the index's
 * precision, so an entry read back equals the one written and conditional updates can compare
 * whole entries.
 */
public record Entry(Key key, EntryState state, Seq<Replica> replicas, long size, Option<Md5> md5,
                    Instant created, Instant updated, long generation, Option<HeldGeneration> pending,
                    Seq<HeldGeneration> retired, Option<EntryState> lostFrom) {

    public Entry {
        if (key == null || state == null || replicas == null || md5 == null || created == null || updated == null
                || pending == null || retired == null || lostFrom == null) {
            throw new IllegalArgumentException("entry fields must not be null");
        }
        if (size < 0) throw new IllegalArgumentException("negative size");
        if (generation < 0) throw new IllegalArgumentException("negative generation");
        if (state != EntryState.WRITING && md5.isEmpty()) throw new IllegalArgumentException(state + " entry needs an md5");
        if (pending.exists(p -> p.generation() <= generation)) throw new IllegalArgumentException("a pending write needs a newer generation");
        if ((state == EntryState.LOST) != lostFrom.isDefined()) throw new IllegalArgumentException("only a LOST entry records the state it was lost from");
        if (lostFrom.exists(s -> s != EntryState.LIVE && s != EntryState.UNLINKED)) {
            throw new IllegalArgumentException("only a LIVE or UNLINKED value can be lost, not " + lostFrom.get());
        }
        replicas = canonical(replicas);
        created = created.truncatedTo(ChronoUnit.MILLIS);
        updated = updated.truncatedTo(ChronoUnit.MILLIS);
        retired = retired.sortBy(HeldGeneration::generation).toList();
    }

    /** An entry in any state but LOST. */
    public Entry(Key key, EntryState state, Seq<Replica> replicas, long size, Option<Md5> md5, Instant created, Instant updated,
                 long generation, Option<HeldGeneration> pending, Seq<HeldGeneration> retired) {
        this(key, state, replicas, size, md5, created, updated, generation, pending, retired, Option.none());
    }

    /** An entry of generation 0 with nothing pending or retired: a value written before generations. */
    public Entry(Key key, EntryState state, Seq<Replica> replicas, long size, Option<Md5> md5, Instant created, Instant updated) {
        this(key, state, replicas, size, md5, created, updated, 0, Option.none(), io.vavr.collection.List.empty());
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

    /** A reservation: generation {@code generation} of the key is being written to these replicas. */
    public static Entry writing(Key key, Seq<Replica> replicas, long generation, Instant now) {
        return new Entry(key, EntryState.WRITING, replicas, 0, Option.none(), now, now, generation, Option.none(),
                io.vavr.collection.List.empty());
    }

    public static Entry live(Key key, Seq<Replica> replicas, long size, Md5 md5, long generation, Instant now) {
        return new Entry(key, EntryState.LIVE, replicas, size, Option.of(md5), now, now, generation, Option.none(),
                io.vavr.collection.List.empty());
    }

    /** The entry in another state; use {@link #lost} and {@link #found} to enter and leave LOST. */
    public Entry withState(EntryState next, Instant now) {
        if (next == EntryState.LOST) return lost(now);
        return new Entry(key, next, replicas, size, md5, created, now, generation, pending, retired, Option.none());
    }

    /** This LIVE or UNLINKED entry marked LOST: no replica holds its value; the state it had is kept. */
    public Entry lost(Instant now) {
        if (state != EntryState.LIVE && state != EntryState.UNLINKED) throw new IllegalStateException("a " + state + " entry cannot be lost");
        return new Entry(key, EntryState.LOST, replicas, size, md5, created, now, generation, pending, retired, Option.some(state));
    }

    /** This LOST entry as it was before its value was lost: a good replica has reappeared. */
    public Entry found(Instant now) {
        if (lostFrom.isEmpty()) throw new IllegalStateException("a " + state + " entry is not lost");
        return new Entry(key, lostFrom.get(), replicas, size, md5, created, now, generation, pending, retired, Option.none());
    }

    public Entry withReplicas(Seq<Replica> next, Instant now) {
        return new Entry(key, state, next, size, md5, created, now, generation, pending, retired, lostFrom);
    }

    public Entry withPending(Option<HeldGeneration> next, Instant now) {
        return new Entry(key, state, replicas, size, md5, created, now, generation, next, retired, lostFrom);
    }

    public Entry withRetired(Seq<HeldGeneration> next, Instant now) {
        return new Entry(key, state, replicas, size, md5, created, now, generation, pending, next, lostFrom);
    }

    /** The current value's files as a held generation: what a replace retires. */
    public HeldGeneration current(Instant since) {
        return new HeldGeneration(generation, replicas, since);
    }

    /** Every generation whose files this row names: current, pending and retired. */
    public Seq<HeldGeneration> allFiles() {
        return retired.prepend(current(updated)).appendAll(pending);
    }

    /**
     * Whether the files at {@code path} on {@code replica} belong to this row: its current value,
     * its pending write, or a retired value. Files of any other generation are no row's.
     */
    public boolean names(Replica replica, BlobPath path) {
        return path.digest().equals(key.digest()) && allFiles().exists(h -> h.holds(replica, path));
    }

    public Seq<Volume> volumes() {
        return replicas.map(Replica::volume);
    }

    public boolean is(EntryState s) {
        return state == s;
    }

    /** The sidecar that describes this entry on its volumes; a LOST entry has none (no replica holds its value). */
    public Sidecar sidecar() {
        if (state == EntryState.LOST) throw new IllegalStateException("a LOST entry has no sidecar to write: no replica holds its value");
        return new Sidecar(key, size, md5.getOrElseThrow(() -> new IllegalStateException("no md5 while " + state)),
                state, created, generation, Sidecar.FORMAT);
    }
}
