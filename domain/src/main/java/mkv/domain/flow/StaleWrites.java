package mkv.domain.flow;

import io.vavr.collection.Seq;
import mkv.domain.Entry;
import mkv.domain.port.Index;
import mkv.domain.port.Transfer;
import mkv.domain.port.Volumes;

/** Settles one stale WRITING entry; the coordinator's recovery and {@code mkv verify --repair} share it. */
public final class StaleWrites {
    private StaleWrites() {}

    /**
     * Deletes every replica the entry names, then the entry, only if it is still exactly the one
     * read: a write that resumed meanwhile keeps its row. A failed delete leaves the row for the
     * next round, so a file is never left without a row naming it. True when the row is gone.
     */
    public static boolean settle(Index index, Volumes volumes, Entry stale, String requestId) {
        Seq<Transfer> deletes = Parallel.each(stale.replicas(), r -> volumes.delete(r, stale.key(), requestId));
        return deletes.forAll(Transfer::ok) && index.remove(stale);
    }
}
