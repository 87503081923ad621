package mkv.domain.flow;

import io.vavr.collection.HashMap;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.collection.TreeMap;
import io.vavr.collection.Vector;
import io.vavr.control.Option;
import java.time.Clock;
import java.time.Instant;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.RowChange;
import mkv.domain.Verification;
import mkv.domain.Verification.Finding;
import mkv.domain.Volume;
import mkv.domain.port.Index;
import mkv.domain.port.Progress;
import mkv.domain.SidecarRead;
import mkv.domain.Transfer;
import mkv.domain.port.Blobs;
import mkv.domain.port.Volumes;

/**
 * {@code mkv verify}: checks every entry's replicas (size; {@code deep}: md5 and sidecar), then
 * settles stale WRITING entries, then walks the volumes for files no entry names. With
 * {@code repair} it re-copies bad replicas from a good one, rewrites bad sidecars, marks keys
 * with no good replica left LOST (and LOST keys with a good one again back to what they were),
 * settles stale WRITING entries the way the coordinator's recovery does, and deletes orphans and
 * the temp files nginx left (see {@link mkv.domain.TempFile}). Nothing younger
 * than the grace period is touched: a PUT, copy or rebalance may still be working on it.
 */
public final class Verifier {

    /** How to verify; {@code force}: repair orphans past {@link Verification#orphanAllowance}. */
    public record Options(boolean deep, boolean repair, java.time.Duration grace, int concurrency, boolean force) {
        public Options {
            if (grace.isNegative()) throw new IllegalArgumentException("grace must not be negative");
            if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1");
        }

        public Options(boolean deep, boolean repair, java.time.Duration grace, int concurrency) {
            this(deep, repair, grace, concurrency, false);
        }
    }

    /** A LOST mark, held until every entry is checked (see {@link #markLost}): the row read, and what it becomes. */
    private record LostMark(Entry row, Entry next) {}

    /** A repair of an orphan, held until the walk has counted them all (see {@link #repairOrphans}). */
    private sealed interface OrphanRepair {
        record Delete(Replica replica, mkv.domain.BlobPath path, Option<Key> key, Instant modified) implements OrphanRepair {}

        /** Put {@code entry} in the index where the row still is {@code expected} (none: no row). */
        record Adopt(Entry entry, Option<Entry> expected) implements OrphanRepair {}
    }

    /** What a run found and mended, by kind; {@code markedLost}: keys it marked LOST (counted unrepaired too). */
    public record Report(long entries, io.vavr.collection.Map<Verification.Kind, Long> findings, long repaired, long unrepaired,
                         long errors, boolean repair, long markedLost) {
        public long findingCount() {
            return findings.values().sum().longValue();
        }

        /** Clean: nothing found, or (with repair) everything found was mended; and every volume answered. */
        public boolean clean() {
            return errors == 0 && (findings.isEmpty() || (repair && unrepaired == 0));
        }
    }

    private static final int PAGE = 1000;
    private static final String REQUEST_ID = "verify";

    private final Index index;
    private final Blobs blobs;
    private final Volumes volumes;
    private final Clock clock;
    private final Progress progress;
    private final Options options;

    public Verifier(Index index, Blobs blobs, Volumes volumes, Clock clock, Progress progress, Options options) {
        this.index = index;
        this.blobs = blobs;
        this.volumes = volumes;
        this.clock = clock;
        this.progress = progress;
        this.options = options;
    }

    /**
     * What a run, or any part of it, found and did; {@code marks} and {@code repairs}: the LOST
     * marks and orphan repairs it planned, made only once all are counted; {@code orphansBeyond}:
     * orphan repairs planned past the allowance, counted and never kept.
     */
    private record Tally(long entries, io.vavr.collection.Map<Verification.Kind, Long> findings, long repaired, long unrepaired,
                         long errors, long markedLost, Vector<LostMark> marks, Vector<OrphanRepair> repairs, long orphansBeyond) {
        static final Tally ZERO = new Tally(0, TreeMap.empty(), 0, 0, 0, 0, Vector.empty(), Vector.empty(), 0);

        /** Pure. Both parts' counts and plans together. */
        Tally plus(Tally o) {
            return new Tally(entries + o.entries, findings.merge(o.findings, Long::sum), repaired + o.repaired,
                    unrepaired + o.unrepaired, errors + o.errors, markedLost + o.markedLost, marks.appendAll(o.marks),
                    repairs.appendAll(o.repairs), orphansBeyond + o.orphansBeyond);
        }

        /** Pure. At most {@code allowance} orphan repairs kept; the rest only counted, which refuses them all. */
        Tally capped(long allowance) {
            if (repairs.size() <= allowance) return this;
            return new Tally(entries, findings, repaired, unrepaired, errors, markedLost, marks, repairs.take((int) allowance),
                    orphansBeyond + repairs.size() - allowance);
        }
    }

    /**
     * Where one entry's check, one group of the walk or one sequential pass writes down what it
     * finds and mends, on one thread, as it goes (a piece that throws keeps what it had done); its
     * {@link #tally} is handed back and added up with the others'.
     */
    private final class Ledger {
        private long entries;
        private io.vavr.collection.Map<Verification.Kind, Long> findings = TreeMap.empty();
        private long repaired;
        private long unrepaired;
        private long errors;
        private long markedLost;
        private Vector<LostMark> marks = Vector.empty();
        private Vector<OrphanRepair> repairs = Vector.empty();

        Tally tally() {
            return new Tally(entries, findings, repaired, unrepaired, errors, markedLost, marks, repairs, 0);
        }

        void checked() {
            entries++;
        }

        void found(Finding f) {
            progress.add(Progress.Counter.FINDINGS, 1);
            progress.note(Verification.describe(f));
            findings = findings.put(Verification.kind(f), 1L, Long::sum);
        }

        void mended(Transfer t, String what) {
            mended(t.ok(), what + (t instanceof Transfer.Failed f ? ": " + f.failure().describe() : ""));
        }

        void mended(boolean ok, String what) {
            if (ok) {
                progress.add(Progress.Counter.REPAIRED, 1);
                progress.note("repaired: " + what);
                repaired++;
            } else {
                progress.note("repair failed: " + what);
                unrepaired++;
            }
        }

        void unrepaired(long n) {
            unrepaired += n;
        }

        void error(String line) {
            progress.add(Progress.Counter.ERRORS, 1);
            progress.note(line);
            errors++;
        }

        void markedLost() {
            markedLost++;
        }

        // LOST marks wait until every entry is checked: past the allowance, none is made.
        void plan(LostMark mark) {
            marks = marks.append(mark);
        }

        // Orphan repairs wait until the walk has counted them: past the allowance, none is made.
        void plan(OrphanRepair repair) {
            if (!options.repair()) unrepaired++;
            else repairs = repairs.append(repair);
        }
    }

    /** The three passes: entries, stale WRITING entries, orphans on {@code all} volumes. */
    public Report run(Seq<Volume> all) {
        Instant cutoff = clock.instant().minus(options.grace());
        Tally checked = checkEntries(confirmed(all));
        Tally marked = markLost(checked.marks(), checked.entries());
        Tally settled = settleStaleWrites(cutoff);
        long allowance = options.force() ? Long.MAX_VALUE : Verification.orphanAllowance(checked.entries());
        VolumeWalk.Walked<Tally> walked = new VolumeWalk(volumes, progress, options.concurrency())
                .walk(all, g -> orphans(g, cutoff), l -> leftover(l, cutoff), Tally.ZERO, (t, part) -> t.plus(part).capped(allowance));
        Tally mended = repairOrphans(walked.summary(), cutoff, allowance, checked.entries());
        Tally t = checked.plus(marked).plus(settled).plus(walked.summary()).plus(mended);
        return new Report(t.entries(), t.findings(), t.repaired(), t.unrepaired(), t.errors() + walked.failures(), options.repair(),
                t.markedLost());
    }

    /**
     * The volumes whose answers may make a key LOST: listed, reachable, and carrying the index's
     * own cluster id. None when the index has no id: then nothing proves the volumes are its own.
     */
    private io.vavr.collection.Set<Volume> confirmed(Seq<Volume> all) {
        if (index.cluster().isEmpty()) return io.vavr.collection.HashSet.empty();
        mkv.domain.ClusterId own = index.cluster().get();
        return Clusters.look(volumes, all, false)
                .filter(s -> s.mark() instanceof mkv.domain.VolumeMark.Stamped st && st.cluster().equals(own))
                .map(mkv.domain.Identity.Seen::volume).toSet();
    }

    // 1. Every entry's replicas, concurrency entries at a time.
    private Tally checkEntries(io.vavr.collection.Set<Volume> confirmed) {
        try (Workers<Entry, Tally, Tally> workers =
                new Workers<>("mkv-verify", options.concurrency(), e -> check(e, confirmed), Tally.ZERO, Tally::plus)) {
            Option<Key> after = Option.none();
            while (true) {
                Seq<Entry> page = index.scan(after, PAGE);
                if (page.isEmpty()) break;
                for (Entry e : page) {
                    if (e.is(EntryState.WRITING)) continue; // in flight, or pass 2's business
                    workers.submit(e);
                }
                after = Option.some(page.last().key());
            }
            return workers.finish();
        }
    }

    private Tally check(Entry e, io.vavr.collection.Set<Volume> confirmed) {
        Ledger l = new Ledger();
        try {
            checkEntry(e, confirmed, l);
        } catch (RuntimeException x) {
            l.error("cannot check " + e.key() + ": " + x);
        }
        return l.tally();
    }

    private void checkEntry(Entry row, io.vavr.collection.Set<Volume> confirmed, Ledger l) {
        // A LOST row is checked as the value it was: a replica that holds that value is good again.
        Entry e = row.is(EntryState.LOST) ? row.found(row.updated()) : row;
        Seq<Finding> perReplica = e.replicas().flatMap(r -> {
            Option<Finding> blob = options.deep()
                    ? Verification.ofChecksum(e, r, volumes.checksum(r, e.key(), e.generation()))
                    : Verification.ofStat(e, r, blobs.stat(r, e.key(), e.generation()));
            if (!options.deep() || blob.isDefined()) return blob;
            SidecarRead sidecar = blobs.readSidecar(r.volume(), mkv.domain.BlobPath.of(e.key(), e.generation(), r));
            return Verification.ofSidecar(e, r, sidecar);
        });
        Seq<Finding> judged = Verification.judge(e, perReplica);
        progress.add(Progress.Counter.ENTRIES_CHECKED, 1);
        l.checked();
        RowChange change = RowChange.after(row, judged, confirmed, clock.instant());
        boolean restore = change instanceof RowChange.Restore;
        // A key deleted, unlinked or rewritten since the scan read it is not damage: skip it.
        if ((!judged.isEmpty() || restore) && !index.get(row.key()).contains(row)) return;
        Seq<Finding> damage = judged.filter(f -> !(f instanceof Finding.Unchecked));
        if (restore) damage = damage.append(new Finding.Reappeared(row.key(), e.state(), Verification.good(e, judged).size()));
        judged.filter(f -> f instanceof Finding.Unchecked).forEach(f -> l.error(Verification.describe(f)));
        damage.forEach(l::found);
        if (options.repair() && change instanceof RowChange.Unconfirmed u) {
            progress.note("not marked LOST: " + row.key() + ": " + u.why());
        }
        if (damage.isEmpty() || !options.repair()) {
            l.unrepaired(damage.filter(f -> isReplicaDamage(f)).size());
            return;
        }
        // Copies first, so that a restored row's reads find every replica it names whole.
        for (Verification.Copy c : Verification.copies(e, damage)) {
            l.mended(Copies.copy(blobs, volumes, c.from(), c.to(), e.sidecar(), REQUEST_ID), "re-copy " + e.key() + " " + c.from() + " -> " + c.to());
        }
        for (Replica r : Verification.sidecarsToRewrite(damage)) {
            l.mended(blobs.writeSidecar(r, e.sidecar(), REQUEST_ID), "rewrite the sidecar of " + e.key() + " on " + r);
        }
        switch (change) {
            case RowChange.Restore r -> l.mended(index.replace(row, r.next()),
                    "restore " + row.key() + " to " + r.next().state() + ": a good replica reappeared");
            case RowChange.MarkLost m -> l.plan(new LostMark(row, m.next()));
            case RowChange.Unconfirmed u -> l.unrepaired(1);
            case RowChange.Keep k -> {
                if (judged.exists(f -> f instanceof Finding.Lost)) l.unrepaired(1); // a LOST row still lost
            }
        }
    }

    private Tally markLost(Seq<LostMark> planned, long entries) {
        Ledger l = new Ledger();
        // A lost value stays damage left behind, marked or not.
        l.unrepaired(planned.size());
        long allowance = RowChange.allowance(entries);
        if (planned.size() > allowance && !options.force()) {
            progress.note("refused to mark " + planned.size() + " keys LOST: more than the " + allowance + " (1% of " + entries
                    + " entries, at least 100) marked without --force; nothing was marked. So many usually means volumes answering "
                    + "without their data (a disk not mounted) or a wrong --db; read the findings, then run again with --force.");
            return l.tally();
        }
        for (LostMark m : planned) {
            // Conditional on the row read before its replicas were checked: a key written, unlinked
            // or deleted meanwhile is left to whoever changed it.
            if (index.replace(m.row(), m.next())) {
                progress.note("marked LOST: " + m.next().key() + " (GET answers 410 until a good replica reappears, a DELETE or a new PUT)");
                l.markedLost();
            } else {
                progress.note("not marked LOST: " + m.next().key() + ": it changed while verify ran");
            }
        }
        return l.tally();
    }

    private static boolean isReplicaDamage(Finding f) {
        return !(f instanceof Finding.UnderReplicated) && !(f instanceof Finding.Lost);
    }

    // 2. WRITING entries older than the grace period: the coordinator's own recovery code.
    private Tally settleStaleWrites(Instant cutoff) {
        Ledger l = new Ledger();
        Seq<Entry> seen = List.empty();
        while (true) {
            Seq<Entry> stale = index.writingSince(cutoff, PAGE).removeAll(seen);
            if (stale.isEmpty()) return l.tally();
            for (Entry e : stale) {
                l.found(new Finding.StaleWriting(e));
                if (!options.repair()) l.unrepaired(1);
                else l.mended(StaleWrites.settle(index, blobs, e, clock.instant(), REQUEST_ID), "settle the stale WRITING entry " + e.key());
            }
            // Without repair (or when a settle fails) the same rows come back: never list them twice.
            seen = seen.appendAll(stale);
        }
    }

    // 3. Files that no entry names, one aa/bb group at a time: whole values are adopted, the rest deleted.
    private Tally orphans(Seq<VolumeWalk.Position> group, Instant cutoff) {
        Ledger l = new Ledger();
        // The group's keys, from whichever sidecars can be read.
        io.vavr.collection.Map<String, Key> keys = HashMap.empty();
        io.vavr.collection.Map<VolumeWalk.Position, Option<mkv.domain.Sidecar>> sidecarOf = HashMap.empty();
        for (VolumeWalk.Position p : group) {
            Option<mkv.domain.Sidecar> sidecar = Option.none();
            if (p.sidecar() && p.modified().isBefore(cutoff)) {
                if (blobs.readSidecar(p.replica().volume(), p.path()) instanceof SidecarRead.Found f) sidecar = Option.some(f.sidecar());
            }
            sidecarOf = sidecarOf.put(p, sidecar);
            if (sidecar.isDefined()) keys = keys.put(p.path().digest(), sidecar.get().key());
        }
        io.vavr.collection.Map<Key, Option<Entry>> entryOf = HashMap.empty();
        List<VolumeWalk.Position> orphans = List.empty();
        for (VolumeWalk.Position p : group) {
            if (!p.modified().isBefore(cutoff)) continue;
            Option<Key> key = sidecarOf.get(p).get().map(mkv.domain.Sidecar::key).orElse(keys.get(p.path().digest()));
            Option<Entry> entry = Option.none();
            if (key.isDefined()) {
                if (!entryOf.containsKey(key.get())) entryOf = entryOf.put(key.get(), index.get(key.get()));
                entry = entryOf.get(key.get()).get();
            }
            if (Verification.orphan(entry, p.replica(), p.path(), p.modified(), cutoff)) orphans = orphans.append(p);
        }
        // Whole values the index is older than: of a key no entry names, or of a generation newer
        // than every one its entry names (an index restored from before the key was written or
        // replaced). Adopted, never deleted.
        io.vavr.collection.Map<VolumeWalk.Position, Option<mkv.domain.Sidecar>> sidecars = sidecarOf;
        io.vavr.collection.Map<Key, Option<Entry>> rows = entryOf;
        Seq<mkv.domain.Rebuild.Found> unindexed = orphans
                .filter(p -> sidecars.get(p).get().exists(s -> rows.get(s.key()).exists(row -> Verification.indexIsOlder(row, s))))
                .map(p -> new mkv.domain.Rebuild.Found(p.replica(), p.path(), sidecars.get(p).get(), p.blobSize()))
                .filter(f -> !options.deep() || wholeByMd5(f));
        Seq<Entry> adoptable = mkv.domain.Rebuild.merge(unindexed, clock.instant()).entries();
        for (Entry e : adoptable) {
            Seq<VolumeWalk.Position> held = orphans.filter(p -> e.names(p.replica(), p.path()));
            orphans = orphans.removeAll(held);
            l.found(new Finding.Unindexed(e, held.map(VolumeWalk.Position::path)));
            l.plan(new OrphanRepair.Adopt(e, rows.get(e.key()).getOrElse(Option.none())));
        }
        for (VolumeWalk.Position p : orphans) {
            Option<Key> key = sidecarOf.get(p).get().map(mkv.domain.Sidecar::key).orElse(keys.get(p.path().digest()));
            l.found(new Finding.Orphan(p.replica().volume(), p.path(), key));
            // A blob with no sidecar anywhere may still be a live key whose sidecars were all lost;
            // only a deep pass, which has just rewritten every live key's sidecar, proves it is not.
            if (key.isDefined() || options.deep()) l.plan(new OrphanRepair.Delete(p.replica(), p.path(), key, p.modified()));
            else l.unrepaired(1);
        }
        return l.tally();
    }

    /** {@code --deep}: the blob's bytes have its sidecar's md5, so the pair is a whole value. */
    private boolean wholeByMd5(mkv.domain.Rebuild.Found f) {
        mkv.domain.Sidecar s = f.sidecar().get();
        return volumes.checksum(f.replica(), s.key(), s.generation()) instanceof mkv.domain.Checksum.Computed c
                && c.size() == s.size() && c.md5().equals(s.md5());
    }

    private Tally repairOrphans(Tally walked, Instant cutoff, long allowance, long entries) {
        Ledger l = new Ledger();
        Seq<OrphanRepair> planned = walked.repairs();
        if (walked.orphansBeyond() > 0) {
            l.unrepaired(planned.size() + walked.orphansBeyond());
            progress.note("repair refused for orphans: " + (planned.size() + walked.orphansBeyond()) + " found, more than the " + allowance
                    + " (1% of " + entries + " entries, at least 100) mended without --force; nothing was deleted or adopted. "
                    + "A count this high usually means a wrong --db or --volumes; read the findings, then run again with --force.");
            return l.tally();
        }
        if (!planned.isEmpty()) progress.note("repairing " + planned.size() + " orphans: each is named below as it is mended");
        for (OrphanRepair r : planned) {
            switch (r) {
                case OrphanRepair.Adopt a -> {
                    index.raiseGenerations(a.entry().generation()); // a later write must not reuse its number
                    boolean adopted = index.reserve(a.expected(), a.entry());
                    if (adopted || index.get(a.entry().key()).equals(a.expected())) {
                        l.mended(adopted, "adopt " + a.entry().key() + " (generation " + a.entry().generation() + ") from its sidecars");
                    } else {
                        progress.note("skipped adopting " + a.entry().key() + ": it was written meanwhile");
                    }
                }
                case OrphanRepair.Delete d -> {
                    // Look again just before deleting: the key may have been written here since.
                    Option<Entry> again = d.key().isDefined() ? index.get(d.key().get()) : Option.none();
                    if (!Verification.orphan(again, d.replica(), d.path(), d.modified(), cutoff)) continue;
                    l.mended(volumes.deleteFiles(d.replica().volume(), d.path(), REQUEST_ID),
                            "delete the orphan " + d.replica().volume() + d.path().path());
                }
            }
        }
        return l.tally();
    }

    // 3b. Temp files nginx left, found on the same walk: nothing reads them, so they are deleted.
    private Tally leftover(VolumeWalk.Leftover left, Instant cutoff) {
        Ledger l = new Ledger();
        if (!Verification.leftover(left.modified(), cutoff)) return l.tally();
        l.found(new Finding.TempLeftover(left.volume(), left.file(), left.size()));
        if (!options.repair()) l.unrepaired(1);
        else l.mended(volumes.deleteTemp(left.volume(), left.file(), REQUEST_ID), "delete the temp file " + left.volume() + left.file().path());
        return l.tally();
    }
}
