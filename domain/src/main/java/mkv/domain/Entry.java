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
 * value was lost (LIVE or UNLINKED), none in every other state. {@code owed}: some replica's
 * sidecar may still say an earlier state (an UNLINK or RELINK whose sidecar write failed, or was
 * cut off by a crash); recovery rewrites them all from the row. Times are kept to the millisecond, the index's
 * precision, so an entry read back equals the one written and conditional updates can compare
 * whole entries.
 */
public record Entry(Key key, EntryState state, Seq<Replica> replicas, long size, Option<Md5> md5,
                    Instant created, Instant updated, long generation, Option<HeldGeneration> pending,
                    Seq<HeldGeneration> retired, Option<EntryState> lostFrom, boolean owed) {

    public Entry {
        if (key == null || state == null || replicas == null || md5 == null || created == null || updated == null
                || pending == null || retired == null || lostFrom == null) {
            throw new IllegalArgumentException("entry fields must not be null");
        }
        if (size < 0) throw new IllegalArgumentException("negative size");
        if (generation < 0) throw new IllegalArgumentException("negative generation");
        if (state != EntryState.WRITING && md5.isEmpty()) throw new IllegalArgumentException(state + " entry needs an md5");
        if (owed && state == EntryState.WRITING) throw new IllegalArgumentException("a WRITING entry has no sidecars to owe");
        if (pending.exists(p -> p.generation() <= generation)) throw new IllegalArgumentException("a pending write needs a newer generation");
        if ((state == EntryState.LOST) != lostFrom.isDefined()) throw new IllegalArgumentException("only a LOST entry records the state it was lost from");
        if (lostFrom.exists(s -> s != EntryState.LIVE && s != EntryState.UNLINKED)) {
            throw new IllegalArgumentException("only a LIVE or UNLINKED value can be lost, not " + lostFrom.get());
        }
        if (owed && state == EntryState.LOST) throw new IllegalArgumentException("a LOST entry has no sidecars to owe");
        replicas = Replica.canonical(replicas);
        created = created.truncatedTo(ChronoUnit.MILLIS);
        updated = updated.truncatedTo(ChronoUnit.MILLIS);
        retired = retired.sortBy(HeldGeneration::generation).toList();
    }

    /** An entry in any state but LOST whose sidecars all say what it says. */
    public Entry(Key key, EntryState state, Seq<Replica> replicas, long size, Option<Md5> md5,
                 Instant created, Instant updated, long generation, Option<HeldGeneration> pending,
                 Seq<HeldGeneration> retired) {
        this(key, state, replicas, size, md5, created, updated, generation, pending, retired, Option.none(), false);
    }

    /** An entry whose sidecars all say what it says. */
    public Entry(Key key, EntryState state, Seq<Replica> replicas, long size, Option<Md5> md5,
                 Instant created, Instant updated, long generation, Option<HeldGeneration> pending,
                 Seq<HeldGeneration> retired, Option<EntryState> lostFrom) {
        this(key, state, replicas, size, md5, created, updated, generation, pending, retired, lostFrom, false);
    }

    /** An entry of generation 0 with nothing pending or retired: a value written before generations. */
    public Entry(Key key, EntryState state, Seq<Replica> replicas, long size, Option<Md5> md5, Instant created, Instant updated) {
        this(key, state, replicas, size, md5, created, updated, 0, Option.none(), io.vavr.collection.List.empty());
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
        return new Entry(key, next, replicas, size, md5, created, now, generation, pending, retired, Option.none(), owed);
    }

    /** This LIVE or UNLINKED entry marked LOST: no replica holds its value; the state it had is kept. */
    public Entry lost(Instant now) {
        if (state != EntryState.LIVE && state != EntryState.UNLINKED) throw new IllegalStateException("a " + state + " entry cannot be lost");
        return new Entry(key, EntryState.LOST, replicas, size, md5, created, now, generation, pending, retired, Option.some(state), false);
    }

    /** This LOST entry as it was before its value was lost: a good replica has reappeared. */
    public Entry found(Instant now) {
        if (lostFrom.isEmpty()) throw new IllegalStateException("a " + state + " entry is not lost");
        return new Entry(key, lostFrom.get(), replicas, size, md5, created, now, generation, pending, retired, Option.none(), false);
    }

    public Entry withReplicas(Seq<Replica> next, Instant now) {
        return new Entry(key, state, next, size, md5, created, now, generation, pending, retired, lostFrom, owed);
    }

    public Entry withPending(Option<HeldGeneration> next, Instant now) {
        return new Entry(key, state, replicas, size, md5, created, now, generation, next, retired, lostFrom, owed);
    }

    public Entry withRetired(Seq<HeldGeneration> next, Instant now) {
        return new Entry(key, state, replicas, size, md5, created, now, generation, pending, next, lostFrom, owed);
    }

    /**
     * The same row, marked as owing its sidecars a rewrite ({@code true}) or not. A state change
     * that rewrites sidecars commits the row with {@code owed} first, so a failure or a crash
     * midway leaves a mark recovery finds, never a sidecar that silently contradicts the row.
     */
    public Entry withOwed(boolean next, Instant now) {
        return new Entry(key, state, replicas, size, md5, created, now, generation, pending, retired, lostFrom, next);
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

    /**
     * Whether the write this row records was never answered: a new key's WRITING row as it was
     * reserved ({@code updated == created}), or a pending replace as it was marked
     * ({@code pending.since == updated}). A write that failed and told its client so, but could
     * not delete all its files, touches its row ({@link #abandoned}), so recovery never completes
     * a write whose client was told it failed.
     */
    public boolean unanswered() {
        if (is(EntryState.WRITING)) return md5.isEmpty() && updated.equals(created);
        return pending.exists(p -> p.since().equals(updated));
    }

    /** The same row, touched at {@code now} to say its write was answered as failed: see {@link #unanswered}. */
    public Entry abandoned(Instant now) {
        Instant later = now.truncatedTo(ChronoUnit.MILLIS).isAfter(updated) ? now : updated.plusMillis(1);
        return new Entry(key, state, replicas, size, md5, created, later, generation, pending, retired, lostFrom, owed);
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
