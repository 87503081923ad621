package mkv.domain.flow;

import io.vavr.collection.Seq;
import mkv.domain.Volume;
import mkv.domain.port.Transfer;

/** Every way a DELETE or UNLINK can end. */
public sealed interface DeleteResult {
    record Deleted() implements DeleteResult {}

    record Absent() implements DeleteResult {}

    record Protected() implements DeleteResult {}

    record Busy() implements DeleteResult {}

    /** UNLINK of a lost value: nothing to soft-delete; DELETE removes the key. */
    record Lost() implements DeleteResult {}

    record Unavailable(Seq<Volume> down) implements DeleteResult {}

    /** Some volume calls failed: a DELETE leaves the key unlinked, an UNLINK leaves it live. */
    record ReplicaFailed(Seq<Transfer.Failed> failures) implements DeleteResult {}
}
