package mkv.domain.flow;

import io.vavr.collection.Seq;
import mkv.domain.BlobPath;
import io.vavr.control.Option;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Replica;
import mkv.domain.RollForward;
import mkv.domain.SidecarRead;
import mkv.domain.Stat;
import mkv.domain.HeldGeneration;
import mkv.domain.port.Index;
import mkv.domain.Transfer;
import mkv.domain.port.Blobs;

/** Settles one stale WRITING entry, or a row owing its sidecars; the coordinator's recovery and {@code mkv verify --repair} share it. */
public final class StaleWrites {
    private StaleWrites() {}

    /**
     * Completes the write the entry records if it is whole on every replica (see
     * {@link #rolledForward}); otherwise deletes the files of every generation the entry names
     * (the one being written, and any it holds as pending or retired), then the entry, only if
     * it is still exactly the one read: a write that resumed meanwhile keeps its row. A failed
     * delete leaves the row for the next round, so a file is never left without a row naming
     * it. True when the row is settled.
     */
    public static boolean settle(Index index, Blobs volumes, Entry stale, java.time.Instant now, String requestId) {
        Option<Entry> done = rolledForward(volumes, stale, now);
        if (done.isDefined()) return index.replace(stale, done.get());
        return deleteAll(volumes, stale.key(), stale.allFiles(), requestId) && index.remove(stale);
    }

    /**
     * The row completed, when the write it records (a new key's, or a replace's pending
     * generation) reached every replica whole and only its commit is missing; see
     * {@link RollForward}, and no client was told it failed ({@link Entry#unanswered}). A
     * removal under way (a WRITING row that keeps its value's md5) is never rolled forward: it
     * is finished by deleting.
     */
    static Option<Entry> rolledForward(Blobs volumes, Entry row, java.time.Instant now) {
        if (!row.unanswered()) return Option.none();
        boolean newWrite = row.is(EntryState.WRITING);
        long generation = newWrite ? row.generation() : row.pending().get().generation();
        Seq<Replica> replicas = newWrite ? row.replicas() : row.pending().get().replicas();
        Seq<SidecarRead> sidecars = Parallel.each(replicas, r -> volumes.readSidecar(r.volume(), BlobPath.of(row.key(), generation, r)));
        Seq<Stat> blobs = Parallel.each(replicas, r -> volumes.stat(r, row.key(), generation));
        return RollForward.whole(row.key(), generation, sidecars, blobs)
                .map(whole -> newWrite ? RollForward.completed(row, whole, now) : RollForward.switched(row, whole, now));
    }

    /** Deletes the files of each held generation on each of its replicas; true when all are gone. */
    static boolean deleteAll(Blobs volumes, mkv.domain.Key key, Seq<HeldGeneration> held, String requestId) {
        return deleteEach(volumes, key, held, requestId).forAll(Transfer::ok);
    }

    /**
     * Deletes the files of each held generation on each of its replicas: every blob first, all at
     * once, and the sidecars only once every blob is gone. So a removal cut short anywhere leaves
     * sidecars without blobs beside the replicas not yet reached, which a rebuild reads as a
     * removal under way (the key comes back unlinked, never live), and never a whole replica
     * beside replicas that are already gone without a trace. One answer per file pair: the
     * blobs' answers when one of them failed (the sidecars then stay), else the sidecars'.
     */
    static Seq<Transfer> deleteEach(Blobs volumes, mkv.domain.Key key, Seq<HeldGeneration> held, String requestId) {
        Seq<Transfer> blobs = deleteBlobs(volumes, key, held, requestId);
        if (!blobs.forAll(Transfer::ok)) return blobs;
        return deleteSidecars(volumes, key, held, requestId);
    }

    /**
     * Only the first half of {@link #deleteEach}: the blobs. For a rollback that must leave some
     * replica to recovery (its volume did not answer): the sidecars stay until every blob is gone.
     */
    static Seq<Transfer> deleteBlobs(Blobs volumes, mkv.domain.Key key, Seq<HeldGeneration> held, String requestId) {
        return Parallel.each(pairs(held), t -> volumes.remove(t._2, key, t._1, BlobPath.Part.BLOB, requestId));
    }

    /** The second half of {@link #deleteEach}, for a caller that has seen every blob go: the sidecars. */
    static Seq<Transfer> deleteSidecars(Blobs volumes, mkv.domain.Key key, Seq<HeldGeneration> held, String requestId) {
        return Parallel.each(pairs(held), t -> volumes.remove(t._2, key, t._1, BlobPath.Part.SIDECAR, requestId));
    }

    private static Seq<io.vavr.Tuple2<Long, mkv.domain.Replica>> pairs(Seq<HeldGeneration> held) {
        return held.flatMap(h -> h.replicas().map(r -> new io.vavr.Tuple2<>(h.generation(), r)));
    }

    /**
     * Rewrites every sidecar of a row that owes them (an UNLINK or RELINK cut short) from the
     * row, then clears the debt, only if the row is still exactly the one read. True when settled.
     */
    public static boolean restate(Index index, Blobs volumes, Entry owing, java.time.Instant now, String requestId) {
        Seq<Transfer> sidecars = Parallel.each(owing.replicas(), r -> volumes.writeSidecar(r, owing.sidecar(), requestId));
        return sidecars.forAll(Transfer::ok) && index.replace(owing, owing.withOwed(false, now));
    }
}
