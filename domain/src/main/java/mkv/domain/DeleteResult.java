package mkv.domain;

import io.vavr.collection.Seq;

/** Every way a DELETE, UNLINK or RELINK can end. */
public sealed interface DeleteResult {
    record Deleted() implements DeleteResult {}

    record Absent() implements DeleteResult {}

    record Protected() implements DeleteResult {}

    record Busy() implements DeleteResult {}

    /** UNLINK of a lost value: nothing to soft-delete; DELETE removes the key. */
    record Lost() implements DeleteResult {}

    record Unavailable(Seq<Volume> down) implements DeleteResult {}

    /** RELINK of a key that is live already. */
    record AlreadyLive() implements DeleteResult {}

    /**
     * The change stands (the row says it), but some volume calls failed: recovery deletes the
     * remaining files (DELETE), or rewrites the remaining sidecars (UNLINK, RELINK), once those
     * volumes answer.
     */
    record Incomplete(Seq<Transfer.Failed> failures) implements DeleteResult {}
}
