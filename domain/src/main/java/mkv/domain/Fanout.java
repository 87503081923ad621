package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;

/** Folds the replies of a fan-out write into one verdict: live everywhere, or roll back. */
public final class Fanout {
    private Fanout() {}

    /** The verdict on a write: the entry to make LIVE, or what to delete and why. */
    public sealed interface Settled {
        record Live(Entry entry) implements Settled {}

        record RollBack(Seq<Replica> delete, Failure why) implements Settled {}
    }

    /** Why a write is rolled back. */
    public sealed interface Failure {
        /** The client's body broke off (disconnect, bad framing): a client error. */
        record BodyBroken(String detail) implements Failure {}

        /** The body turned out to be empty (possible only when chunked). */
        record EmptyBody() implements Failure {}

        /** The body arrived whole but its md5 is not the one the client declared: a client error. */
        record Md5Mismatch(Md5 declared, Md5 computed) implements Failure {}

        /** At least one replica failed. */
        record ReplicasFailed(Seq<Transfer.Failed> failures) implements Failure {}
    }

    /**
     * Pure. After the blobs: LIVE only when the body arrived whole and non-empty, hashes to the
     * md5 the client declared (if it declared one), and every target took it; otherwise roll back
     * every replica the reservation names, except a target that was never reached (nothing can be
     * there, and its volume is likely down: trying to delete would fail and leave the key busy
     * until recovery). A client's fault (a broken body, a wrong md5) is named before a replica's,
     * so the same request always gets the same answer.
     */
    public static Settled afterBlobs(Entry writing, Seq<Replica> targets, BlobWrite write, Option<Md5> declared, Instant now) {
        Seq<Transfer.Failed> failed = failures(write.transfers());
        Seq<Replica> neverReached = failed.filter(f -> f.failure() instanceof VolumeFailure.Unreachable).map(Transfer.Failed::replica);
        Seq<Replica> rollBack = writing.replicas().removeAll(neverReached);
        if (write.bodyError().isDefined()) {
            return new Settled.RollBack(rollBack, new Failure.BodyBroken(write.bodyError().get()));
        }
        if (declared.isDefined() && !declared.get().equals(write.md5())) {
            return new Settled.RollBack(rollBack, new Failure.Md5Mismatch(declared.get(), write.md5()));
        }
        if (!failed.isEmpty() || write.transfers().size() != targets.size()) {
            return new Settled.RollBack(rollBack, new Failure.ReplicasFailed(failed));
        }
        if (write.size() == 0) return new Settled.RollBack(rollBack, new Failure.EmptyBody());
        return new Settled.Live(new Entry(writing.key(), EntryState.LIVE, targets, write.size(),
                Option.of(write.md5()), writing.created(), now, writing.generation(), Option.none(), writing.retired()));
    }

    /** Pure. After the sidecars: any failure rolls back the whole write. */
    public static Settled afterSidecars(Entry writing, Entry live, Seq<Transfer> sidecars) {
        Seq<Transfer.Failed> failed = failures(sidecars);
        return failed.isEmpty() ? new Settled.Live(live)
                : new Settled.RollBack(writing.replicas(), new Failure.ReplicasFailed(failed));
    }

    public static Seq<Transfer.Failed> failures(Seq<Transfer> transfers) {
        return transfers.filter(t -> t instanceof Transfer.Failed).map(t -> (Transfer.Failed) t);
    }
}
