package mkv.domain;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;

/** Rebuilds index entries from what the volumes hold, naming every inconsistency it meets. */
public final class Rebuild {
    private Rebuild() {}

    /** One blob position found on one volume: its sidecar (if readable) and blob size (if present). */
    public record Found(Replica replica, BlobPath path, Option<Sidecar> sidecar, Option<Long> blobSize) {}

    /** Something on the volumes that does not add up. */
    public sealed interface Damage {
        record BlobWithoutSidecar(Replica replica, BlobPath path) implements Damage {}

        record SidecarWithoutBlob(Replica replica, BlobPath path, Key key) implements Damage {}

        /** The blob's size on disk differs from its sidecar's. */
        record SizeMismatch(Replica replica, Key key, long expected, long actual) implements Damage {}

        /** The sidecar names a key whose blob path is elsewhere. */
        record Misplaced(Replica replica, BlobPath path, Key key) implements Damage {}

        /** The sidecar file is there but cannot be trusted (not JSON, a newer format, a bad field). */
        record UnreadableSidecar(Replica replica, BlobPath path, String why) implements Damage {}

        /** Replicas of one key disagree on size or md5; the majority was kept. */
        record Conflict(Key key, Seq<Replica> outvoted) implements Damage {}

        /**
         * The sidecars of the kept value cannot decide its state: some say LIVE and others
         * UNLINKED (an UNLINK or RELINK cut short), or a replica holds only the sidecar (a DELETE
         * cut short after that blob went). The key is restored UNLINKED, its bytes kept: a
         * deleted or unlinked value never comes back readable; {@code RELINK} makes it live again.
         */
        record Undecided(Key key, String why) implements Damage {}

        /** A whole replica of an older generation of a key that has a newer whole one: a leftover, an orphan for verify. */
        record Superseded(Replica replica, BlobPath path, Key key, long newest) implements Damage {}
    }

    /** The kinds of damage, for counting; one per {@link Damage} record, in the order a summary lists them. */
    public enum Kind { BLOB_WITHOUT_SIDECAR, SIDECAR_WITHOUT_BLOB, SIZE_MISMATCH, MISPLACED, UNREADABLE_SIDECAR, CONFLICT, UNDECIDED, SUPERSEDED }

    /** Pure. The kind of a damage. */
    public static Kind kind(Damage d) {
        return switch (d) {
            case Damage.BlobWithoutSidecar b -> Kind.BLOB_WITHOUT_SIDECAR;
            case Damage.SidecarWithoutBlob s -> Kind.SIDECAR_WITHOUT_BLOB;
            case Damage.SizeMismatch m -> Kind.SIZE_MISMATCH;
            case Damage.Misplaced m -> Kind.MISPLACED;
            case Damage.UnreadableSidecar u -> Kind.UNREADABLE_SIDECAR;
            case Damage.Conflict c -> Kind.CONFLICT;
            case Damage.Undecided u -> Kind.UNDECIDED;
            case Damage.Superseded o -> Kind.SUPERSEDED;
        };
    }

    public record Result(Seq<Entry> entries, Seq<Damage> damage) {}

    /** Pure. One line naming the damage, for reports. */
    public static String describe(Damage d) {
        return switch (d) {
            case Damage.BlobWithoutSidecar b -> "blob without sidecar: " + b.replica().volume() + b.path().path();
            case Damage.SidecarWithoutBlob s -> "sidecar without blob: " + s.replica().volume()
                    + s.path().sidecarPath() + " (key " + s.key() + ")";
            case Damage.SizeMismatch m -> "size mismatch: " + m.replica() + " holds " + m.actual() + " bytes of " + m.key()
                    + ", its sidecar says " + m.expected();
            case Damage.Misplaced m -> "misplaced sidecar: " + m.replica().volume() + m.path().sidecarPath() + " names " + m.key();
            case Damage.UnreadableSidecar u -> "unreadable sidecar: " + u.replica().volume() + u.path().sidecarPath() + ": " + u.why();
            case Damage.Conflict c -> "conflicting sidecars for " + c.key() + ": outvoted " + c.outvoted().mkString(", ");
            case Damage.Undecided u -> "undecided state: " + u.key() + " restored as unlinked, its bytes kept, because " + u.why()
                    + " (RELINK it if it should be live)";
            case Damage.Superseded o -> "superseded generation: " + o.replica().volume() + o.path().path() + " (key " + o.key()
                    + ") is generation " + o.path().generation() + ", older than the kept " + o.newest() + ": an orphan for mkv verify";
        };
    }

    /**
     * Pure. Groups sound replicas (blob and sidecar agree) by key, and keeps each key's newest
     * generation that has one: an older generation's replicas are superseded leftovers (a replace
     * deletes them after a grace), a newer one with no whole replica never became the value.
     * Within the kept generation, replicas agreeing on (size, md5) form a version; the version
     * with most replicas wins (ties: smaller md5), the rest are a conflict. Where the sidecars
     * cannot decide the state (some LIVE, some UNLINKED; or a replica of the kept generation with
     * a sidecar but no blob, left by a removal cut short) the key is restored UNLINKED and named
     * {@link Damage.Undecided}: never live again if it was being unlinked or deleted.
     */
    public static Result merge(Seq<Found> found, Instant now) {
        List<Damage> damage = List.empty();
        List<Found> sound = List.empty();
        io.vavr.collection.Set<io.vavr.Tuple2<Key, Long>> halfRemoved = io.vavr.collection.HashSet.empty();
        for (Found f : found) {
            if (f.sidecar().isEmpty()) {
                damage = damage.prepend(new Damage.BlobWithoutSidecar(f.replica(), f.path()));
            } else if (!f.sidecar().get().key().digest().equals(f.path().digest())
                    || f.sidecar().get().generation() != f.path().generation()) {
                damage = damage.prepend(new Damage.Misplaced(f.replica(), f.path(), f.sidecar().get().key()));
            } else if (f.blobSize().isEmpty()) {
                damage = damage.prepend(new Damage.SidecarWithoutBlob(f.replica(), f.path(), f.sidecar().get().key()));
                halfRemoved = halfRemoved.add(new io.vavr.Tuple2<>(f.sidecar().get().key(), f.path().generation()));
            } else if (f.blobSize().get() != f.sidecar().get().size()) {
                damage = damage.prepend(new Damage.SizeMismatch(f.replica(), f.sidecar().get().key(),
                        f.sidecar().get().size(), f.blobSize().get()));
            } else {
                sound = sound.prepend(f);
            }
        }
        List<Entry> entries = List.empty();
        for (var byKey : sound.groupBy(f -> f.sidecar().get().key()).toList().sortBy(t -> t._1)) {
            long newest = byKey._2.map(f -> f.path().generation()).max().get();
            for (Found old : byKey._2.filter(f -> f.path().generation() != newest).sortBy(f -> f.replica().toString())) {
                damage = damage.prepend(new Damage.Superseded(old.replica(), old.path(), byKey._1, newest));
            }
            var versions = byKey._2.filter(f -> f.path().generation() == newest).groupBy(f -> f.sidecar().get().size() + "/" + f.sidecar().get().md5().hex())
                    .values().toList()
                    .sortBy(v -> v.head().sidecar().get().md5().hex())
                    .sortBy(v -> -v.size());
            Seq<Found> winner = versions.head();
            Seq<Replica> outvoted = versions.tail().flatMap(v -> v.map(Found::replica));
            if (!outvoted.isEmpty()) damage = damage.prepend(new Damage.Conflict(byKey._1, outvoted));
            Sidecar s = winner.head().sidecar().get();
            boolean someUnlinked = winner.exists(f -> f.sidecar().get().state() == EntryState.UNLINKED);
            boolean someLive = winner.exists(f -> f.sidecar().get().state() == EntryState.LIVE);
            boolean cutShort = halfRemoved.contains(new io.vavr.Tuple2<>(byKey._1, newest));
            if (someUnlinked && someLive) {
                damage = damage.prepend(new Damage.Undecided(byKey._1, "some sidecars say live and others unlinked"));
            } else if (cutShort && someLive) {
                damage = damage.prepend(new Damage.Undecided(byKey._1, "a replica holds its sidecar but not its blob, as a delete cut short leaves it"));
            }
            boolean unlinked = someUnlinked || cutShort;
            Instant created = winner.map(f -> f.sidecar().get().created()).min().get();
            entries = entries.prepend(new Entry(s.key(), unlinked ? EntryState.UNLINKED : EntryState.LIVE,
                    winner.map(Found::replica), s.size(), Option.of(s.md5()), created, now, newest, Option.none(), List.empty()));
        }
        return new Result(entries.reverse(), damage.reverse());
    }
}
