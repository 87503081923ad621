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
import mkv.domain.InFlight;
import mkv.domain.Key;
import mkv.domain.ListQuery;
import mkv.domain.PutCondition;
import mkv.domain.PutDecision;
import mkv.domain.ReadResult;
import mkv.domain.Removal;
import mkv.domain.Sweep;
import mkv.domain.Replica;
import mkv.domain.BlobWrite;
import mkv.domain.DeleteResult;
import mkv.domain.PutResult;
import mkv.domain.port.Body;
import mkv.domain.port.Health;
import mkv.domain.HealthSnapshot;
import mkv.domain.port.Index;
import mkv.domain.Transfer;
import mkv.domain.port.Blobs;

/** The data API's use cases: put, locate, delete, unlink and list keys. */
public final class Coordinator {
    private final Index index;
    private final Blobs volumes;
    private final Health health;
    private final Clock clock;
    private final RandomGenerator random;
    private final Supplier<Policy> policy;
    private final Generations generations;
    private final KeyLocks locks = new KeyLocks();
    private final java.time.Instant since;
    /** Runs a DELETE's sidecar removals once it has answered; see {@link #delete}. */
    private final java.util.concurrent.Executor afterAnswer;
    /** Deletes answered whose blobs are gone and whose sidecars are not yet: the row each left, by key. */
    private final java.util.concurrent.ConcurrentHashMap<Key, Entry> owedSidecars = new java.util.concurrent.ConcurrentHashMap<>();
    /** Keys whose owed sidecars are being removed right now, so that a request for one waits for that instead of answering 409. */
    private final java.util.concurrent.ConcurrentHashMap<Key, java.util.concurrent.CountDownLatch> draining =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Generation numbers are reserved from the index this many at a time. */
    static final int GENERATION_BLOCK = 1000;

    public Coordinator(Index index, Blobs volumes, Health health, Clock clock, RandomGenerator random, Supplier<Policy> policy) {
        this(index, volumes, health, clock, random, policy, java.time.Instant.MIN);
    }

    /**
     * {@code since}: when this process started. A WRITING row last touched before it is an
     * earlier process's (one index has one writer), and a request that meets it settles it.
     */
    public Coordinator(Index index, Blobs volumes, Health health, Clock clock, RandomGenerator random, Supplier<Policy> policy,
                       java.time.Instant since) {
        this(index, volumes, health, clock, random, policy, since, Runnable::run);
    }

    /**
     * {@code afterAnswer}: where a DELETE's sidecar removals run once the delete has answered. A
     * server passes one that starts a thread, so they leave the request path; the other
     * constructors run them on the caller's thread before the call returns.
     */
    public Coordinator(Index index, Blobs volumes, Health health, Clock clock, RandomGenerator random, Supplier<Policy> policy,
                       java.time.Instant since, java.util.concurrent.Executor afterAnswer) {
        this.afterAnswer = afterAnswer;
        this.generations = new Generations(index, GENERATION_BLOCK, since.equals(java.time.Instant.MIN) ? 0 : Generations.floorAt(since));
        this.index = index;
        this.volumes = volumes;
        this.health = health;
        this.clock = clock;
        this.random = random;
        this.policy = policy;
        this.since = since;
    }

    /**
     * The key's row, under its lock. A WRITING row an earlier process left (no request of this
     * one can own it) is settled first, as recovery would, so a client meeting it just after a
     * restart gets an answer instead of 409 until start-up recovery reaches it.
     */
    private Option<Entry> current(Key key, String requestId) {
        Entry owed = owedSidecars.remove(key);
        if (owed != null) removeSidecars(owed, requestId);
        Option<Entry> row = index.get(key);
        if (row.isEmpty()) return row;
        if (row.get().is(EntryState.WRITING)) {
            if (!row.get().updated().isBefore(since)) return row;
            return StaleWrites.settle(index, volumes, row.get(), clock.instant(), requestId) ? index.get(key) : row;
        }
        // A replace an earlier process left pending: its files go, the value it was beside stays.
        Option<Sweep> due = Sweep.of(row.get(), since, java.time.Instant.MIN);
        if (due.isEmpty()) return row;
        if (due.get().next().pending().isEmpty() && row.get().pending().isDefined()) {
            Option<Entry> done = StaleWrites.rolledForward(volumes, row.get(), clock.instant());
            if (done.isDefined()) return index.replace(row.get(), done.get()) ? index.get(key) : row;
        }
        boolean settled = StaleWrites.deleteAll(volumes, key, due.get().delete(), requestId) && index.replace(row.get(), due.get().next());
        return settled ? index.get(key) : row;
    }

    public Policy policy() {
        return policy.get();
    }

    /**
     * Stores a new value. A brand-new key is reserved WRITING before any byte goes out and
     * made LIVE only once every replica holds the blob and its sidecar. A key that has a value
     * (unlinked, or live under {@code If-Match}) keeps it whole and readable while a new
     * generation is written beside it, then switches in one conditional commit ({@link #replace}).
     * Any failure, or a body whose md5 differs from the one the client declared, deletes what
     * was written.
     */
    public PutResult put(Key key, Body body, String requestId) {
        return put(key, new PutCondition.CreateOnly(), body, requestId);
    }

    /** {@link #put(Key, Body, String)} under a condition on the value it may replace. */
    public PutResult put(Key key, PutCondition condition, Body body, String requestId) {
        if (body.length() == 0) return new PutResult.EmptyBody();
        if (!lock(key)) return new PutResult.Busy();
        try {
            // 1. Read and decide: nothing is written for a live, busy or unplaceable key.
            Policy p = policy.get();
            Option<Entry> existing = current(key, requestId);
            Seq<Replica> targets = p.ring().replicasFor(key, p.replicas());
            switch (PutDecision.decide(existing, condition, targets, health.snapshot())) {
                case PutDecision.AlreadyExists a -> { return new PutResult.AlreadyExists(); }
                case PutDecision.NoLiveValue n -> { return new PutResult.NoLiveValue(); }
                case PutDecision.PreconditionFailed f -> { return new PutResult.PreconditionFailed(); }
                case PutDecision.ValueLost l -> { return new PutResult.ValueLost(); }
                case PutDecision.Busy b -> { return new PutResult.Busy(); }
                case PutDecision.Unavailable u -> { return new PutResult.Unavailable(u.down()); }
                case PutDecision.Create c -> { return create(key, c.targets(), body, requestId); }
                case PutDecision.Replace r -> { return replace(r.current(), r.targets(), body, requestId); }
            }
        } finally {
            locks.unlock(key);
        }
    }

    private PutResult create(Key key, Seq<Replica> targets, Body body, String requestId) {
        // 2. Reserve: the WRITING row names every replica the new generation may land on, so
        //    recovery can clean them all.
        Entry writing = Entry.writing(key, targets, generations.next(), clock.instant());
        if (!index.reserve(Option.none(), writing)) return new PutResult.Busy();

        // 3. Stream the body to every target at once, then write the sidecars.
        Fanout.Settled settled = send(writing, body, requestId);

        // 4. Settle: LIVE only after every replica is in place; otherwise roll back.
        return switch (settled) {
            case Fanout.Settled.Live(Entry live) -> {
                if (index.replace(writing, live)) yield new PutResult.Created(live);
                rollBack(writing, writing.replicas(), requestId);
                yield new PutResult.ReplicaFailed(io.vavr.collection.List.empty());
            }
            case Fanout.Settled.RollBack(Seq<Replica> delete, Fanout.Failure why) -> {
                rollBack(writing, delete, requestId);
                yield failed(why);
            }
        };
    }

    /**
     * Writes a new generation of a key that has a value, without a moment where the key has
     * none: (a) the row records the pending generation, the current value untouched; (b) the
     * body goes to the pending generation's own paths, then its sidecars; (c) one conditional
     * commit makes it the value and retires the old one, whose files stay until the retire
     * sweep (a grace, so a redirect handed out before the switch still finds its bytes); (d) a
     * failure deletes the pending generation's files and restores the row as it was.
     */
    private PutResult replace(Entry current, Seq<Replica> targets, Body body, String requestId) {
        // (a) Record the pending generation before any byte goes out.
        Instant now = clock.instant();
        HeldGeneration pending = new HeldGeneration(generations.next(), targets, now);
        Entry marked = current.withPending(Option.some(pending), now);
        if (!index.replace(current, marked)) return new PutResult.Busy();

        // (b) Blobs, then sidecars, of the new generation: paths no other generation shares.
        Entry writing = Entry.writing(current.key(), targets, pending.generation(), now);
        Fanout.Settled settled = send(writing, body, requestId);

        return switch (settled) {
            case Fanout.Settled.Live(Entry live) -> {
                // (c) The switch: the new generation is the value, the old one retired, in one commit.
                Instant switchedAt = clock.instant();
                Entry switched = live.withRetired(current.retired().append(current.current(switchedAt)), switchedAt);
                if (index.replace(marked, switched)) yield new PutResult.Created(switched);
                abandon(current, marked, targets, requestId);
                yield new PutResult.ReplicaFailed(io.vavr.collection.List.empty());
            }
            case Fanout.Settled.RollBack(Seq<Replica> delete, Fanout.Failure why) -> {
                // (d) The old value was never touched; only the pending generation's files go.
                abandon(current, marked, delete, requestId);
                yield failed(why);
            }
        };
    }

    /** Streams the body to the writing entry's replicas, then writes the sidecars: the fan-out's verdict. */
    private Fanout.Settled send(Entry writing, Body body, String requestId) {
        BlobWrite blobs = volumes.write(writing.key(), writing.generation(), writing.replicas(), body, requestId);
        Fanout.Settled settled = Fanout.afterBlobs(writing, writing.replicas(), blobs, body.declaredMd5(), clock.instant());
        if (settled instanceof Fanout.Settled.Live(Entry live)) {
            Seq<Transfer> sidecars = Parallel.each(writing.replicas(), r -> volumes.writeSidecar(r, live.sidecar(), requestId));
            settled = Fanout.afterSidecars(writing, live, sidecars);
        }
        return settled;
    }

    private static PutResult failed(Fanout.Failure why) {
        return switch (why) {
            case Fanout.Failure.BodyBroken b -> new PutResult.BodyBroken(b.detail());
            case Fanout.Failure.EmptyBody e -> new PutResult.EmptyBody();
            case Fanout.Failure.Md5Mismatch m -> new PutResult.Md5Mismatch(m.declared(), m.computed());
            case Fanout.Failure.ReplicasFailed f -> new PutResult.ReplicaFailed(f.failures());
        };
    }

    /**
     * Deletes what a failed write may have left, then its row. If a delete fails, the row
     * stays WRITING so that recovery finishes the job: never a file without a row naming it.
     * A replica on a volume the health checker no longer trusts is left to recovery too: a
     * delete there would most likely wait out a whole read timeout before the client is answered.
     */
    private void rollBack(Entry writing, Seq<Replica> delete, String requestId) {
        if (removeFiles(writing.key(), new HeldGeneration(writing.generation(), delete, writing.updated()), requestId)) index.remove(writing);
        else index.replace(writing, writing.abandoned(clock.instant())); // answered as failed: recovery deletes, never completes it
    }

    /**
     * Deletes the pending generation's files, then restores the row exactly as it was before
     * the replace. If a delete fails, or a replica's volume is not trusted (see {@link #rollBack}),
     * the row keeps naming the pending generation and recovery finishes the job: never a file
     * without a row naming it.
     */
    private void abandon(Entry current, Entry marked, Seq<Replica> delete, String requestId) {
        HeldGeneration pending = marked.pending().get();
        if (removeFiles(current.key(), new HeldGeneration(pending.generation(), delete, pending.since()), requestId)) index.replace(marked, current);
        else index.replace(marked, marked.abandoned(clock.instant())); // answered as failed: recovery deletes, never switches to it
    }

    /**
     * Deletes a failed write's files where their volumes are trusted; true when all are gone. A
     * replica on an untrusted volume is left to recovery, and then so are the sidecars: only the
     * reachable blobs go, since a sidecar may only go once every blob of its generation has.
     */
    private boolean removeFiles(Key key, HeldGeneration files, String requestId) {
        HealthSnapshot now = health.snapshot();
        Seq<Replica> reachable = files.replicas().filter(r -> now.isTrusted(r.volume()));
        if (reachable.size() == files.replicas().size()) return StaleWrites.deleteAll(volumes, key, io.vavr.collection.List.of(files), requestId);
        StaleWrites.deleteBlobs(volumes, key, io.vavr.collection.List.of(new HeldGeneration(files.generation(), reachable, files.since())), requestId);
        return false;
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
     * Deletes a key: commits the row as WRITING first (from then on the delete stands: the key
     * reads as absent, and recovery finishes whatever a failure or a crash leaves), deletes every
     * replica's blob, and answers. The sidecars go after the answer ({@code afterAnswer}), only
     * once every blob is gone, and then the row: until then the row stays WRITING, naming them,
     * so a crash or a failing volume leaves them to recovery, and the next request for the key
     * removes them first. If a blob delete fails the row stays WRITING, naming every file, and
     * recovery deletes the rest once the volume answers.
     */
    public DeleteResult delete(Key key, String requestId) {
        if (!lock(key)) return new DeleteResult.Busy();
        DeleteResult result;
        try {
            result = deleteBlobs(key, requestId);
        } finally {
            locks.unlock(key);
        }
        if (result instanceof DeleteResult.Deleted) afterAnswer.execute(() -> finishDelete(key, requestId));
        return result;
    }

    private DeleteResult deleteBlobs(Key key, String requestId) {
        Option<Entry> existing = current(key, requestId);
        switch (Removal.decideDelete(existing, policy.get().protect(), health.snapshot())) {
            case Removal.Decision.Absent a -> { return new DeleteResult.Absent(); }
            case Removal.Decision.Busy b -> { return new DeleteResult.Busy(); }
            case Removal.Decision.Lost l -> { return new DeleteResult.Lost(); }
            case Removal.Decision.Protected p -> { return new DeleteResult.Protected(); }
            case Removal.Decision.AlreadyLive l -> { return new DeleteResult.Busy(); }
            case Removal.Decision.Unavailable u -> { return new DeleteResult.Unavailable(u.down()); }
            case Removal.Decision.Proceed go -> {
                Entry marker = Removal.deleting(go.entry(), clock.instant());
                if (!index.replace(go.entry(), marker)) return new DeleteResult.Busy();
                Seq<Transfer> blobs = StaleWrites.deleteBlobs(volumes, key, filesOf(marker), requestId);
                return switch (Removal.afterDelete(blobs)) {
                    case Removal.Deleted.Gone g -> {
                        owedSidecars.put(key, marker);
                        yield new DeleteResult.Deleted();
                    }
                    case Removal.Deleted.Partly(Seq<Transfer.Failed> failures) -> new DeleteResult.Incomplete(failures);
                };
            }
        }
    }

    /** The current value's files and any retired generation's: a deleting row names them all until they are gone. */
    private static Seq<HeldGeneration> filesOf(Entry marker) {
        return marker.retired().prepend(marker.current(marker.updated()));
    }

    /**
     * A DELETE's second half, after its answer: removes the sidecars it owes, then the row. If
     * the key is held, its holder does it first thing ({@link #current}); anything this leaves
     * (a failing volume, a stop) is a WRITING row that recovery finishes.
     */
    private void finishDelete(Key key, String requestId) {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        draining.put(key, done);
        try {
            if (!locks.tryLock(key)) return;
            try {
                Entry owed = owedSidecars.remove(key);
                if (owed != null) removeSidecars(owed, requestId);
            } finally {
                locks.unlock(key);
            }
        } catch (RuntimeException e) {
            // Nobody is waiting for this answer, and the row still names every sidecar: recovery removes them.
        } finally {
            draining.remove(key, done);
            done.countDown();
        }
    }

    /**
     * Under the key's lock: removes a deleted key's sidecars (its blobs are gone), then its row if
     * it is still the one the delete left. Nothing else can have named those files meanwhile
     * (generations are never reused), so the row is not read first: the removal is conditional.
     */
    private void removeSidecars(Entry marker, String requestId) {
        if (StaleWrites.deleteSidecars(volumes, marker.key(), filesOf(marker), requestId).forAll(Transfer::ok)) index.remove(marker);
    }

    /**
     * Takes the key's lock; never waits for another request (409 instead), but does wait for
     * the sidecar removals of a delete that has already answered, so that a client's DELETE
     * followed by a PUT of the same key is not refused for work it cannot see.
     */
    private boolean lock(Key key) {
        if (locks.tryLock(key)) return true;
        java.util.concurrent.CountDownLatch finishing = draining.get(key);
        if (finishing != null) {
            try {
                finishing.await(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return locks.tryLock(key);
    }

    /**
     * Soft-deletes a key: commits the row as UNLINKED and owing its sidecars, rewrites every
     * sidecar as UNLINKED (so a rebuild restores the state), then clears the debt. From the first
     * commit on the unlink stands; a sidecar write that fails, or a crash, is finished by recovery.
     */
    public DeleteResult unlink(Key key, String requestId) {
        return restate(key, Removal::decideUnlink, EntryState.UNLINKED, requestId);
    }

    /**
     * Restores an unlinked key, the mirror of {@link #unlink}: commits the row as LIVE and owing
     * its sidecars, rewrites every sidecar as LIVE, then clears the debt.
     */
    public DeleteResult relink(Key key, String requestId) {
        return restate(key, Removal::decideRelink, EntryState.LIVE, requestId);
    }

    /** The common path of UNLINK and RELINK: under the key's lock, {@code decide} says whether the row may become {@code next}. */
    private DeleteResult restate(Key key, java.util.function.BiFunction<Option<Entry>, HealthSnapshot, Removal.Decision> decide,
                                 EntryState next, String requestId) {
        if (!lock(key)) return new DeleteResult.Busy();
        try {
            return restate(decide.apply(current(key, requestId), health.snapshot()), next, requestId);
        } finally {
            locks.unlock(key);
        }
    }

    private DeleteResult restate(Removal.Decision decision, EntryState next, String requestId) {
        return switch (decision) {
            case Removal.Decision.Absent a -> new DeleteResult.Absent();
            case Removal.Decision.Busy b -> new DeleteResult.Busy();
            case Removal.Decision.Protected p -> new DeleteResult.Protected();
            case Removal.Decision.AlreadyLive l -> new DeleteResult.AlreadyLive();
            case Removal.Decision.Lost l -> new DeleteResult.Lost();
            case Removal.Decision.Unavailable u -> new DeleteResult.Unavailable(u.down());
            case Removal.Decision.Proceed go -> {
                Entry intent = Removal.intent(go.entry(), next, clock.instant());
                if (!index.replace(go.entry(), intent)) yield new DeleteResult.Busy();
                Seq<Transfer> sidecars = Parallel.each(intent.replicas(), r -> volumes.writeSidecar(r, intent.sidecar(), requestId));
                yield switch (Removal.afterRestate(intent, sidecars, clock.instant())) {
                    // Only this request or recovery (both under the key's lock) can change the row meanwhile.
                    case Removal.Restated.Settled(Entry settled) -> {
                        index.replace(intent, settled);
                        yield new DeleteResult.Deleted();
                    }
                    case Removal.Restated.Owing(Seq<Transfer.Failed> failures) -> new DeleteResult.Incomplete(failures);
                };
            }
        };
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
                if (StaleWrites.settle(index, volumes, stale, clock.instant(), requestId)) settled++;
            } finally {
                locks.unlock(stale.key());
            }
        }
        return settled;
    }

    /**
     * Settles the generations rows hold besides their value ({@link Sweep}): pending writes
     * started before {@code pendingCutoff} that no request of this coordinator is working on,
     * and retired values replaced before {@code retiredCutoff}. Deletes their files, then drops
     * them from the row, conditionally; a failed delete leaves the row for the next round.
     * Rows owing their sidecars since before {@code pendingCutoff} get them rewritten.
     * Returns how many rows were settled.
     */
    public int sweep(Instant pendingCutoff, Instant retiredCutoff, int page, String requestId) {
        int settled = 0;
        Option<Key> after = Option.none();
        for (Seq<Entry> rows = index.holding(after, page); !rows.isEmpty(); rows = index.holding(after, page)) {
            for (Entry row : rows) {
                if (!locks.tryLock(row.key())) continue;
                try {
                    // Read again under the lock: a replace of this process may have switched meanwhile.
                    Option<Entry> now = index.get(row.key());
                    if (now.isEmpty()) continue;
                    Option<Sweep> due = Sweep.of(now.get(), pendingCutoff, retiredCutoff);
                    // A stale pending write that reached every replica whole is switched to, not deleted.
                    Option<Entry> done = due.isDefined() && due.get().next().pending().isEmpty() && now.get().pending().isDefined()
                            ? StaleWrites.rolledForward(volumes, now.get(), clock.instant()) : Option.none();
                    if (done.isDefined()) {
                        if (index.replace(now.get(), done.get())) settled++;
                    } else if (due.isDefined() && StaleWrites.deleteAll(volumes, row.key(), due.get().delete(), requestId)
                            && index.replace(now.get(), due.get().next())) settled++;
                    else if (due.isEmpty() && owes(now.get(), pendingCutoff) && StaleWrites.restate(index, volumes, now.get(), clock.instant(), requestId)) settled++;
                } finally {
                    locks.unlock(row.key());
                }
            }
            after = Option.some(rows.last().key());
        }
        return settled;
    }

    /** Whether a row owes its sidecars a rewrite that no request of this process is making: its change is older than the cutoff. */
    private static boolean owes(Entry row, Instant cutoff) {
        return row.owed() && row.updated().isBefore(cutoff);
    }

    /** One page of keys in {@code state} (live, unlinked or lost) under a prefix. */
    public ListQuery.Page list(ListQuery query, EntryState state) {
        return query.page(index.list(query.prefix(), state, query.start(), query.limit() + 1));
    }

    /** One page of the rows in flight under a prefix, what each is doing and since when. */
    public record InFlightPage(Seq<InFlight> rows, String next) {}

    /** One page of the rows in flight (WRITING, or with a pending replace) under a prefix, with their age. */
    public InFlightPage inFlight(ListQuery query) {
        Seq<Entry> fetched = index.inFlight(query.prefix(), query.start(), query.limit() + 1);
        Instant now = clock.instant();
        return new InFlightPage(fetched.take(query.limit()).flatMap(e -> InFlight.of(e, now)), query.page(fetched.map(Entry::key)).next());
    }
}
