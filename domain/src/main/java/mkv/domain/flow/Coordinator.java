package mkv.domain.flow;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import mkv.domain.Entry;
import mkv.domain.EntryState;
import mkv.domain.Fanout;
import mkv.domain.HeldGeneration;
import mkv.domain.Key;
import mkv.domain.ListQuery;
import mkv.domain.PutDecision;
import mkv.domain.ReadResult;
import mkv.domain.Removal;
import mkv.domain.Replica;
import mkv.domain.port.BlobWrite;
import mkv.domain.port.Body;
import mkv.domain.port.Health;
import mkv.domain.port.Index;
import mkv.domain.port.Transfer;
import mkv.domain.port.Volumes;

/** The data API's use cases: put, locate, delete, unlink and list keys. */
public final class Coordinator {
    private final Index index;
    private final Volumes volumes;
    private final Health health;
    private final Clock clock;
    private final RandomGenerator random;
    private final Supplier<Policy> policy;
    private final Generations generations;
    private final KeyLocks locks = new KeyLocks();

    /** Generation numbers are reserved from the index this many at a time. */
    static final int GENERATION_BLOCK = 1000;

    public Coordinator(Index index, Volumes volumes, Health health, Clock clock, RandomGenerator random, Supplier<Policy> policy) {
        this.generations = new Generations(index, GENERATION_BLOCK);
        this.index = index;
        this.volumes = volumes;
        this.health = health;
        this.clock = clock;
        this.random = random;
        this.policy = policy;
    }

    public Policy policy() {
        return policy.get();
    }

    /**
     * Stores a new value. WRITING is recorded before any byte goes out, LIVE only once every
     * replica holds the blob and its sidecar; any failure, or a body whose md5 differs from the
     * one the client declared, deletes what was written.
     */
    public PutResult put(Key key, Body body, String requestId) {
        if (body.length() == 0) return new PutResult.EmptyBody();
        if (!locks.tryLock(key)) return new PutResult.Busy();
        try {
            // 1. Read and decide: nothing is written for a live, busy or unplaceable key.
            Policy p = policy.get();
            Option<Entry> existing = index.get(key);
            Seq<Replica> targets = p.ring().replicasFor(key, p.replicas());
            switch (PutDecision.decide(existing, targets, health.snapshot())) {
                case PutDecision.AlreadyExists a -> { return new PutResult.AlreadyExists(); }
                case PutDecision.Busy b -> { return new PutResult.Busy(); }
                case PutDecision.Unavailable u -> { return new PutResult.Unavailable(u.down()); }
                case PutDecision.Proceed go -> { return write(key, go, body, requestId); }
            }
        } finally {
            locks.unlock(key);
        }
    }

    private PutResult write(Key key, PutDecision.Proceed go, Body body, String requestId) {
        // 2. Reserve: the WRITING row names the new generation's targets, and keeps an unlinked
        //    predecessor's files as retired, so recovery can clean them all.
        Instant now = clock.instant();
        Entry writing = Entry.writing(key, go.targets(), generations.next(), now)
                .withRetired(go.previous().map(Entry::allFiles).getOrElse(io.vavr.collection.List.empty()), now);
        if (!index.reserve(go.previous(), writing)) return new PutResult.Busy();

        // 3. Stream the body to every target at once, then write the sidecars.
        BlobWrite blobs = volumes.write(key, writing.generation(), go.targets(), body, requestId);
        Fanout.Settled settled = Fanout.afterBlobs(writing, go.targets(), blobs, body.declaredMd5(), clock.instant());
        if (settled instanceof Fanout.Settled.Live(Entry live)) {
            Seq<Transfer> sidecars = Parallel.each(go.targets(), r -> volumes.writeSidecar(r, live.sidecar(), requestId));
            settled = Fanout.afterSidecars(writing, live, sidecars);
        }

        // 4. Settle: LIVE only after every replica is in place; otherwise roll back.
        return switch (settled) {
            case Fanout.Settled.Live(Entry live) -> {
                if (!index.replace(writing, live)) {
                    rollBack(writing, writing.replicas(), requestId);
                    yield new PutResult.ReplicaFailed(io.vavr.collection.List.empty());
                }
                // The unlinked predecessor's files: deleted now; the row names them until they are.
                if (!live.retired().isEmpty() && StaleWrites.deleteAll(volumes, key, live.retired(), requestId)) {
                    Entry clean = live.withRetired(io.vavr.collection.List.empty(), live.updated());
                    if (index.replace(live, clean)) live = clean;
                }
                yield new PutResult.Created(live);
            }
            case Fanout.Settled.RollBack(Seq<Replica> delete, Fanout.Failure why) -> {
                rollBack(writing, delete, requestId);
                yield switch (why) {
                    case Fanout.Failure.BodyBroken b -> new PutResult.BodyBroken(b.detail());
                    case Fanout.Failure.EmptyBody e -> new PutResult.EmptyBody();
                    case Fanout.Failure.Md5Mismatch m -> new PutResult.Md5Mismatch(m.declared(), m.computed());
                    case Fanout.Failure.ReplicasFailed f -> new PutResult.ReplicaFailed(f.failures());
                };
            }
        };
    }

    /**
     * Deletes what a failed write may have left (and the files it held as retired), then its
     * row. If a delete fails, the row stays WRITING so that recovery finishes the job: never a
     * file without a row naming it.
     */
    private void rollBack(Entry writing, Seq<Replica> delete, String requestId) {
        Seq<HeldGeneration> files = writing.retired().prepend(new HeldGeneration(writing.generation(), delete, writing.updated()));
        if (StaleWrites.deleteAll(volumes, writing.key(), files, requestId)) index.remove(writing);
    }

    /** Where to read a key: no volume IO, only the index and the health snapshot. */
    public ReadResult locate(Key key) {
        return ReadResult.choose(index.get(key), health.snapshot(), random.nextInt());
    }

    /** The volume URL a client reads this replica of the entry's value from: string building, no IO. */
    public String url(Replica replica, Entry entry) {
        return volumes.url(replica, entry.key(), entry.generation());
    }

    /**
     * Deletes a key: marks it WRITING (so a crash midway is finished by recovery, and never
     * leaves a LIVE row without its files), deletes blobs and sidecars, then the row.
     */
    public DeleteResult delete(Key key, String requestId) {
        if (!locks.tryLock(key)) return new DeleteResult.Busy();
        try {
            Option<Entry> existing = index.get(key);
            switch (Removal.decideDelete(existing, policy.get().protect(), health.snapshot())) {
                case Removal.Decision.Absent a -> { return new DeleteResult.Absent(); }
                case Removal.Decision.Busy b -> { return new DeleteResult.Busy(); }
                case Removal.Decision.Protected p -> { return new DeleteResult.Protected(); }
                case Removal.Decision.Unavailable u -> { return new DeleteResult.Unavailable(u.down()); }
                case Removal.Decision.Proceed go -> {
                    Entry marker = go.entry().withState(EntryState.WRITING, clock.instant());
                    if (!index.replace(go.entry(), marker)) return new DeleteResult.Busy();
                    // The current value's files and any retired generation's: the row names them all until they are gone.
                    Seq<Transfer> deletes = StaleWrites.deleteEach(volumes, key,
                            marker.retired().prepend(marker.current(marker.updated())), requestId);
                    return switch (Removal.afterDelete(marker, deletes, clock.instant())) {
                        case Removal.Deleted.Gone g -> {
                            index.remove(marker);
                            yield new DeleteResult.Deleted();
                        }
                        case Removal.Deleted.Partly(Entry unlinked, Seq<Transfer.Failed> failures) -> {
                            index.replace(marker, unlinked);
                            yield new DeleteResult.ReplicaFailed(failures);
                        }
                    };
                }
            }
        } finally {
            locks.unlock(key);
        }
    }

    /**
     * Soft-deletes a key: rewrites every sidecar as UNLINKED (so a rebuild restores the
     * state), then the row. A failure leaves the row LIVE; retrying finishes the job.
     */
    public DeleteResult unlink(Key key, String requestId) {
        if (!locks.tryLock(key)) return new DeleteResult.Busy();
        try {
            Option<Entry> existing = index.get(key);
            switch (Removal.decideUnlink(existing, health.snapshot())) {
                case Removal.Decision.Absent a -> { return new DeleteResult.Absent(); }
                case Removal.Decision.Busy b -> { return new DeleteResult.Busy(); }
                case Removal.Decision.Protected p -> { return new DeleteResult.Protected(); }
                case Removal.Decision.Unavailable u -> { return new DeleteResult.Unavailable(u.down()); }
                case Removal.Decision.Proceed go -> {
                    Entry unlinked = go.entry().withState(EntryState.UNLINKED, clock.instant());
                    Seq<Transfer> sidecars = Parallel.each(unlinked.replicas(), r -> volumes.writeSidecar(r, unlinked.sidecar(), requestId));
                    Seq<Transfer.Failed> failed = Fanout.failures(sidecars);
                    if (!failed.isEmpty()) return new DeleteResult.ReplicaFailed(failed);
                    return index.replace(go.entry(), unlinked) ? new DeleteResult.Deleted() : new DeleteResult.Busy();
                }
            }
        } finally {
            locks.unlock(key);
        }
    }

    /**
     * Settles WRITING rows last touched before {@code cutoff} that no request of this
     * coordinator is working on: leftovers of a crash, or of a rollback whose delete failed.
     * Deletes every replica the row names, then the row; a failed delete leaves the row for
     * the next round. Returns how many rows were settled.
     */
    public int recover(java.time.Instant cutoff, int limit, String requestId) {
        int settled = 0;
        for (Entry stale : index.writingSince(cutoff, limit)) {
            if (!locks.tryLock(stale.key())) continue;
            try {
                // Read again under the lock: a write of this process may have finished (and turned
                // the row LIVE) between the scan and the lock, and its files must not be deleted.
                if (!index.get(stale.key()).contains(stale)) continue;
                if (StaleWrites.settle(index, volumes, stale, requestId)) settled++;
            } finally {
                locks.unlock(stale.key());
            }
        }
        return settled;
    }

    /** One page of live (or unlinked) keys under a prefix. */
    public ListQuery.Page list(ListQuery query, EntryState state) {
        return query.page(index.list(query.prefix(), state, query.start(), query.limit() + 1));
    }
}
