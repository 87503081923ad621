package mkv.domain.flow;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Clock;
import mkv.domain.Entry;
import mkv.domain.RebalancePlan;
import mkv.domain.RebalanceTotals;
import mkv.domain.Replica;
import mkv.domain.Ring;
import mkv.domain.Volume;
import mkv.domain.port.Index;
import mkv.domain.port.Progress;
import mkv.domain.Transfer;
import mkv.domain.port.Blobs;
import mkv.domain.port.Probe;
import mkv.domain.port.Volumes;

/**
 * {@code mkv rebalance}: moves every entry's replicas to where the ring places them. Per key, in
 * the order that keeps data safe: copy each missing replica (streamed, checked), switch the entry
 * (conditional on the entry read, so a key deleted or rewritten meanwhile is never resurrected or
 * clobbered), and only then delete the replicas no longer wanted. Until the switch the old
 * replicas serve reads; after it the new ones do; the last good copy is never deleted.
 * Idempotent: a run that was killed leaves entries either switched or not, and a new run finishes.
 */
public final class Rebalancer {

    /** What a run did. {@code conflicts}: keys changed by someone else meanwhile, left to them. */
    public record Report(long examined, long moved, long bytes, long conflicts, long errors) {
        public boolean clean() {
            return errors == 0;
        }
    }

    /** How one key's move ended. */
    sealed interface Moved {
        /** Moved; {@code leftovers}: old replicas that could not be deleted (orphans for verify). */
        record Done(long bytes, int leftovers) implements Moved {}

        record Conflict() implements Moved {}

        record Failed(String why) implements Moved {}
    }

    private static final int PAGE = 1000;

    private final Index index;
    private final Blobs blobs;
    private final Volumes volumes;
    private final Probe probe;
    private final Ring ring;
    private final int replicas;
    private final Clock clock;
    private final Progress progress;

    public Rebalancer(Index index, Blobs blobs, Volumes volumes, Probe probe, Ring ring, int replicas, Clock clock, Progress progress) {
        this.index = index;
        this.blobs = blobs;
        this.volumes = volumes;
        this.probe = probe;
        this.ring = ring;
        this.replicas = replicas;
        this.clock = clock;
        this.progress = progress;
    }

    /** {@code --dry-run}: what a run would do now, without touching anything. */
    public RebalanceTotals plan() {
        RebalanceTotals totals = RebalanceTotals.empty();
        Option<mkv.domain.Key> after = Option.none();
        while (true) {
            Seq<Entry> page = index.scan(after, PAGE);
            if (page.isEmpty()) return totals;
            for (RebalancePlan p : RebalancePlan.between(page, ring, replicas)) totals = totals.plus(p);
            progress.add(Progress.Counter.ENTRIES_CHECKED, page.size());
            after = Option.some(page.last().key());
        }
    }

    /** Moves every entry that needs it, {@code concurrency} keys at a time. */
    public Report run(int concurrency) {
        long unanswered = 0;
        for (Volume v : ring.volumes()) {
            if (probe.ping(v) instanceof Transfer.Failed f) {
                unanswered++;
                progress.add(Progress.Counter.ERRORS, 1);
                progress.note("volume " + v + " does not answer (" + f.failure().describe() + "): keys placed on it stay where they are");
            }
        }
        long examined = 0;
        try (Workers<RebalancePlan, Moved, Tally> workers =
                new Workers<>("mkv-rebalance", concurrency, this::moveAndReport, new Tally(0, 0, 0, unanswered), Tally::plus)) {
            Option<mkv.domain.Key> after = Option.none();
            while (true) {
                Seq<Entry> page = index.scan(after, PAGE);
                if (page.isEmpty()) break;
                examined += page.size();
                progress.add(Progress.Counter.ENTRIES_CHECKED, page.size());
                for (RebalancePlan plan : RebalancePlan.between(page, ring, replicas)) workers.submit(plan);
                after = Option.some(page.last().key());
            }
            Tally t = workers.finish();
            return new Report(examined, t.moved(), t.bytes(), t.conflicts(), t.errors());
        }
    }

    /** The keys' moves added up; pure. */
    private record Tally(long moved, long bytes, long conflicts, long errors) {
        Tally plus(Moved m) {
            return switch (m) {
                case Moved.Done d -> new Tally(moved + 1, bytes + d.bytes(), conflicts, errors + d.leftovers());
                case Moved.Conflict c -> new Tally(moved, bytes, conflicts + 1, errors);
                case Moved.Failed f -> new Tally(moved, bytes, conflicts, errors + 1);
            };
        }
    }

    /** One key's move, on a worker: shown on the progress line as it ends, and handed back for the tally. */
    private Moved moveAndReport(RebalancePlan plan) {
        Moved m;
        try {
            m = move(plan);
        } catch (RuntimeException e) {
            m = new Moved.Failed(e.toString());
        }
        switch (m) {
            case Moved.Done d -> {
                progress.add(Progress.Counter.KEYS_MOVED, 1);
                progress.add(Progress.Counter.BYTES_COPIED, d.bytes());
                progress.add(Progress.Counter.ERRORS, d.leftovers());
            }
            case Moved.Conflict c -> { }
            case Moved.Failed f -> {
                progress.add(Progress.Counter.ERRORS, 1);
                progress.note("cannot move " + plan.entry().key() + ": " + f.why());
            }
        }
        return m;
    }

    /** One key: copy → switch → delete. */
    Moved move(RebalancePlan plan) {
        Entry read = plan.entry();
        String requestId = "rebalance";
        // 1. Copy each missing replica from a replica that stays (else any current one).
        Seq<Replica> sources = plan.keep().appendAll(read.replicas().removeAll(plan.keep()));
        List<Replica> made = List.empty();
        for (Replica target : plan.copyTo()) {
            Option<String> failure = Option.some("no replica to copy from");
            for (Replica source : sources) {
                Transfer t = Copies.copy(blobs, volumes, source, target, read.sidecar(), requestId);
                if (t.ok()) {
                    failure = Option.none();
                    break;
                }
                failure = Option.some("copy " + source + " -> " + target + ": " + ((Transfer.Failed) t).failure().describe());
            }
            if (failure.isDefined()) {
                // Nothing switched: the copies made so far are named by no entry, so they go.
                made.forEach(r -> blobs.delete(r, read.key(), read.generation(), requestId));
                // A key rewritten or deleted since it was read fails its md5 check: not an error.
                return index.get(read.key()).contains(read) ? new Moved.Failed(failure.get()) : new Moved.Conflict();
            }
            made = made.append(target);
        }
        // 2. Switch, only if the entry is still the one read.
        if (!index.replace(read, plan.applied(clock.instant()))) {
            Option<Entry> now = index.get(read.key());
            // A copy is dropped unless the row now names that very generation there; a newer
            // generation on the same replica has a path of its own and is never touched.
            made.filter(r -> now.forAll(e -> !e.names(r, mkv.domain.BlobPath.of(read.key(), read.generation(), r)))).forEach(r -> blobs.delete(r, read.key(), read.generation(), requestId));
            return new Moved.Conflict();
        }
        // 3. Only now drop the replicas no longer wanted; a failure leaves an orphan for verify.
        int leftovers = 0;
        for (Replica old : plan.deleteFrom()) {
            if (blobs.delete(old, read.key(), read.generation(), requestId) instanceof Transfer.Failed f) {
                leftovers++;
                progress.note("moved " + read.key() + " but could not delete its old replica on " + old + " ("
                        + f.failure().describe() + "): mkv verify --repair removes it");
            }
        }
        return new Moved.Done(read.size() * made.size(), leftovers);
    }
}
