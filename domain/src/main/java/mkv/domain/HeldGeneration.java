package mkv.domain;

import io.vavr.collection.Seq;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Files of one generation of a key that are not its current value: a replace being written
 * (pending) or a replaced value kept for a grace (retired). The row names them, so recovery
 * can finish with them and verify never calls them orphans.
 */
public record HeldGeneration(long generation, Seq<Replica> replicas, Instant since) {

    public HeldGeneration {
        if (generation < 0) throw new IllegalArgumentException("negative generation: " + generation);
        if (replicas == null || since == null) throw new IllegalArgumentException("held generation fields must not be null");
        replicas = Replica.canonical(replicas);
        since = since.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Whether the files at {@code path} on {@code replica} belong to this generation. */
    public boolean holds(Replica replica, BlobPath path) {
        return path.generation() == generation && replicas.contains(replica);
    }
}
