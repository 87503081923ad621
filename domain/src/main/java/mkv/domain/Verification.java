package mkv.domain;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;

/** Verify's decisions: what is wrong with an entry's replicas or a file on a volume, and what a repair may do. */
public final class Verification {
    private Verification() {}

    /** The kinds of finding, for counting; one per {@link Finding} record, in the order a summary lists them. */
    public enum Kind { MISSING_REPLICA, WRONG_SIZE, CORRUPT, BAD_SIDECAR, UNCHECKED, UNDER_REPLICATED, LOST, REAPPEARED, ORPHAN,
        UNINDEXED, STALE_WRITING, TEMP_LEFTOVER }

    /** Pure. The kind of a finding. */
    public static Kind kind(Finding f) {
        return switch (f) {
            case Finding.MissingReplica m -> Kind.MISSING_REPLICA;
            case Finding.WrongSize w -> Kind.WRONG_SIZE;
            case Finding.Corrupt c -> Kind.CORRUPT;
            case Finding.BadSidecar b -> Kind.BAD_SIDECAR;
            case Finding.Unchecked u -> Kind.UNCHECKED;
            case Finding.UnderReplicated u -> Kind.UNDER_REPLICATED;
            case Finding.Lost l -> Kind.LOST;
            case Finding.Reappeared r -> Kind.REAPPEARED;
            case Finding.Orphan o -> Kind.ORPHAN;
            case Finding.Unindexed u -> Kind.UNINDEXED;
            case Finding.StaleWriting s -> Kind.STALE_WRITING;
            case Finding.TempLeftover t -> Kind.TEMP_LEFTOVER;
        };
    }

    /** Something verify found. Replica-level findings name the key and the replica. */
    public sealed interface Finding {
        record MissingReplica(Key key, Replica replica) implements Finding {}

        record WrongSize(Key key, Replica replica, long expected, long actual) implements Finding {}

        /** {@code --deep}: the bytes read back do not have the entry's md5. */
        record Corrupt(Key key, Replica replica, Md5 expected, Md5 actual) implements Finding {}

        /** {@code --deep}: the sidecar is missing, unreadable or disagrees with the entry. */
        record BadSidecar(Key key, Replica replica, String why) implements Finding {}

        /** The volume could not be asked: neither good nor bad, and never repaired. */
        record Unchecked(Key key, Replica replica, VolumeFailure failure) implements Finding {}

        /** Some replicas are bad, at least one is good: a repair copies from it. */
        record UnderReplicated(Key key, int good, int named) implements Finding {}

        /** No replica holds the value any more. */
        record Lost(Key key) implements Finding {}

        /** A key marked LOST has {@code good} good replicas again: a repair makes it what it was (LIVE or UNLINKED). */
        record Reappeared(Key key, EntryState was, int good) implements Finding {}

        /** Files on a volume that no entry names; {@code key} none when they have no readable sidecar. */
        record Orphan(Volume volume, BlobPath path, Option<Key> key) implements Finding {}

        /**
         * Whole values (blob and sidecar agreeing; with {@code --deep} on the md5 too) that no
         * entry names: an index restored from an older backup, or one that lost rows. A repair
         * adopts them into the index, never deletes them.
         */
        record Unindexed(Entry entry, Seq<BlobPath> paths) implements Finding {}

        /** A WRITING entry older than the grace period: a crashed or abandoned write. */
        record StaleWriting(Entry entry) implements Finding {}

        /** A temp file nginx left (an upload whose worker died, a copy that failed), older than the grace period. */
        record TempLeftover(Volume volume, TempFile file, long size) implements Finding {}
    }

    /** Pure. What a HEAD of one replica says about it; none when it is fine. */
    public static Option<Finding> ofStat(Entry entry, Replica replica, Stat stat) {
        return switch (stat) {
            case Stat.Present p -> p.size() == entry.size() ? Option.none()
                    : Option.some(new Finding.WrongSize(entry.key(), replica, entry.size(), p.size()));
            case Stat.Missing m -> Option.some(new Finding.MissingReplica(entry.key(), replica));
            case Stat.Unknown u -> Option.some(new Finding.Unchecked(entry.key(), replica, u.failure()));
        };
    }

    /** Pure. What reading one replica end to end says about it; none when it is fine. */
    public static Option<Finding> ofChecksum(Entry entry, Replica replica, Checksum checksum) {
        return switch (checksum) {
            case Checksum.Computed c when c.size() != entry.size() ->
                    Option.some(new Finding.WrongSize(entry.key(), replica, entry.size(), c.size()));
            case Checksum.Computed c -> entry.md5().contains(c.md5()) ? Option.none()
                    : Option.some(new Finding.Corrupt(entry.key(), replica, entry.md5().get(), c.md5()));
            case Checksum.Missing m -> Option.some(new Finding.MissingReplica(entry.key(), replica));
            case Checksum.Unknown u -> Option.some(new Finding.Unchecked(entry.key(), replica, u.failure()));
        };
    }

    /** Pure. Whether the sidecar beside a replica is exactly the one the entry implies. */
    public static Option<Finding> ofSidecar(Entry entry, Replica replica, SidecarRead read) {
        return switch (read) {
            case SidecarRead.Found f -> f.sidecar().sameFacts(entry.sidecar()) ? Option.none()
                    : Option.some(new Finding.BadSidecar(entry.key(), replica, "it disagrees with the index: " + f.sidecar()));
            case SidecarRead.Missing m -> Option.some(new Finding.BadSidecar(entry.key(), replica, "it is missing"));
            case SidecarRead.Unreadable u -> Option.some(new Finding.BadSidecar(entry.key(), replica, u.why()));
            case SidecarRead.Failed f -> Option.some(new Finding.Unchecked(entry.key(), replica, f.failure()));
        };
    }

    /**
     * Pure. The replica findings of one entry, plus what they add up to (under-replicated or lost).
     * Lost means every replica was asked and each answered missing or damaged: a replica whose
     * volume did not answer is neither good nor bad, so it keeps a key from counting as lost.
     */
    public static Seq<Finding> judge(Entry entry, Seq<Finding> replicaFindings) {
        Seq<Replica> bad = badBlobs(replicaFindings);
        boolean unchecked = replicaFindings.exists(f -> f instanceof Finding.Unchecked);
        int good = good(entry, replicaFindings).size();
        if (bad.isEmpty()) return replicaFindings;
        Finding sum = good == 0 && !unchecked ? new Finding.Lost(entry.key())
                : new Finding.UnderReplicated(entry.key(), good, entry.replicas().size());
        return replicaFindings.append(sum);
    }

    /** Pure. The replicas known good: neither missing, damaged nor unchecked. */
    public static Seq<Replica> good(Entry entry, Seq<Finding> findings) {
        Seq<Replica> unchecked = findings.filter(f -> f instanceof Finding.Unchecked).map(f -> ((Finding.Unchecked) f).replica());
        return entry.replicas().removeAll(badBlobs(findings)).removeAll(unchecked);
    }

    /** A copy to make: the good replica to read from, the bad one to overwrite. */
    public record Copy(Replica from, Replica to) {}

    /**
     * Pure. Copies from the first good replica onto every replica whose blob is missing, the
     * wrong size or corrupt. None when no replica is known good: a repair never guesses.
     */
    public static Seq<Copy> copies(Entry entry, Seq<Finding> findings) {
        Seq<Replica> bad = badBlobs(findings);
        Seq<Replica> unchecked = findings.filter(f -> f instanceof Finding.Unchecked)
                .map(f -> ((Finding.Unchecked) f).replica());
        Option<Replica> good = entry.replicas().removeAll(bad).removeAll(unchecked).headOption();
        return good.isEmpty() ? List.empty() : bad.map(to -> new Copy(good.get(), to));
    }

    /** Pure. Replicas whose blob is fine but whose sidecar must be rewritten from the entry. */
    public static Seq<Replica> sidecarsToRewrite(Seq<Finding> findings) {
        Seq<Replica> bad = badBlobs(findings);
        return findings.filter(f -> f instanceof Finding.BadSidecar).map(f -> ((Finding.BadSidecar) f).replica())
                .removeAll(bad).distinct();
    }

    private static Seq<Replica> badBlobs(Seq<Finding> findings) {
        return findings.flatMap(f -> switch (f) {
            case Finding.MissingReplica m -> Option.some(m.replica());
            case Finding.WrongSize w -> Option.some(w.replica());
            case Finding.Corrupt c -> Option.some(c.replica());
            default -> Option.<Replica>none();
        }).distinct();
    }

    /**
     * Pure. Files found at {@code path} on {@code replica} are an orphan when they were last
     * written before {@code cutoff} (so no PUT, copy or rebalance is still working on them) and
     * the key's entry does not name that generation on that replica: neither as its current
     * value, nor as a pending write, nor as a retired value. A WRITING entry names every replica
     * it may write, so its files are never orphans; an older generation's files are.
     */
    public static boolean orphan(Option<Entry> entry, Replica replica, BlobPath path, Instant modified, Instant cutoff) {
        if (!modified.isBefore(cutoff)) return false;
        // A LOST row's own generation is never an orphan, wherever it lies: it may be the only
        // copy someone restored, and deleting it would make the loss final.
        if (entry.exists(e -> e.is(EntryState.LOST) && path.digest().equals(e.key().digest()) && path.generation() == e.generation())) {
            return false;
        }
        return entry.isEmpty() || !entry.get().names(replica, path);
    }

    /**
     * Pure. Whether a whole value found on the volumes is newer than what the index knows of
     * its key: no row at all, or a generation above every generation the row names (current,
     * pending, retired). Only an index older than the volumes shows that — one restored from a
     * backup — since a write is named by its row before its first byte goes out.
     */
    public static boolean indexIsOlder(Option<Entry> row, Sidecar found) {
        return row.isEmpty() || row.get().allFiles().forAll(h -> h.generation() < found.generation());
    }

    /**
     * Pure. How many orphans a repair mends without {@code --force}: 1% of the entries, at
     * least 100. More than that is rarely damage; it is usually the wrong index or the wrong
     * volumes, and deleting on that evidence would destroy data.
     */
    public static long orphanAllowance(long entries) {
        return Math.max(100, entries / 100);
    }

    /**
     * Pure. A temp file is left over once it was last written before {@code cutoff}: an upload in
     * progress writes to its temp file at least every {@code client_body_timeout}, or nginx drops it.
     */
    public static boolean leftover(Instant modified, Instant cutoff) {
        return modified.isBefore(cutoff);
    }

    /** Pure. One line naming the finding, for reports. */
    public static String describe(Finding f) {
        return switch (f) {
            case Finding.MissingReplica m -> "missing replica: " + m.key() + " on " + m.replica();
            case Finding.WrongSize w -> "wrong size: " + w.key() + " on " + w.replica() + " holds " + w.actual()
                    + " bytes, the index says " + w.expected();
            case Finding.Corrupt c -> "corrupt replica: " + c.key() + " on " + c.replica() + " has md5 " + c.actual()
                    + ", the index says " + c.expected();
            case Finding.BadSidecar b -> "bad sidecar: " + b.key() + " on " + b.replica() + ": " + b.why();
            case Finding.Unchecked u -> "unchecked: " + u.key() + " on " + u.replica() + ": " + u.failure().describe();
            case Finding.UnderReplicated u -> "under-replicated: " + u.key() + " has " + u.good() + " good of "
                    + u.named() + " replicas";
            case Finding.Lost l -> "lost: " + l.key() + " has no good replica left";
            case Finding.Reappeared r -> "reappeared: " + r.key() + ", marked LOST, has " + r.good() + " good replica"
                    + (r.good() == 1 ? "" : "s") + " again: --repair makes it " + r.was() + " again";
            case Finding.Orphan o -> "orphan: " + o.volume() + o.path().path()
                    + o.key().map(k -> " (key " + k + ")").getOrElse(" (no sidecar)");
            case Finding.Unindexed u -> "orphan: " + u.entry().replicas().head().volume() + u.paths().head().path()
                    + " (key " + u.entry().key() + ") is a whole " + u.entry().state() + " value of " + u.entry().size() + " bytes on "
                    + u.entry().replicas().mkString(",") + " that no entry names: --repair adopts it into the index";
            case Finding.StaleWriting s -> "stale WRITING entry: " + s.entry().key() + " since " + s.entry().updated()
                    + " on " + s.entry().replicas().mkString(",");
            case Finding.TempLeftover t -> "temp file left: " + t.volume() + t.file().path() + " (" + t.size() + " bytes)";
        };
    }
}
