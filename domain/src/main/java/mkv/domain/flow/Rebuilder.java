package mkv.domain.flow;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.collection.TreeMap;
import io.vavr.collection.Vector;
import io.vavr.control.Option;
import java.time.Clock;
import mkv.domain.Entry;
import mkv.domain.Rebuild;
import mkv.domain.Sidecar;
import mkv.domain.Volume;
import mkv.domain.port.Index;
import mkv.domain.port.Progress;
import mkv.domain.SidecarRead;
import mkv.domain.port.Blobs;
import mkv.domain.port.Volumes;

/**
 * {@code mkv rebuild}: reconstructs the index from the sidecars on the volumes alone. Walks the
 * volumes one {@code aa/bb} group at a time, reads each sidecar, merges each key's replicas
 * ({@link Rebuild#merge}, pure: the newest whole generation wins) and writes the entries in bulk
 * batches; at the end raises the index's generation high-water mark above every generation seen.
 */
public final class Rebuilder {

    /** What a rebuild did: entries written, damage by kind (in the kinds' order), and volume calls that failed. */
    public record Report(long entries, io.vavr.collection.Map<Rebuild.Kind, Long> damage, long errors) {
        public long damageCount() {
            return damage.values().sum().longValue();
        }

        public boolean clean() {
            return errors == 0 && damage.isEmpty();
        }
    }

    /** One {@code aa/bb} group's share: its merged entries, its damage, its failed reads, and the newest generation in it. */
    private record Group(Seq<Entry> entries, Seq<Rebuild.Damage> damage, long failed, long highestGeneration) {}

    /** The groups so far, added up (pure): entries written and those waiting for the next batch. */
    private record Tally(long written, Vector<Entry> pending, io.vavr.collection.Map<Rebuild.Kind, Long> damage, long errors,
                         long highestGeneration) {
        static final Tally ZERO = new Tally(0, Vector.empty(), TreeMap.empty(), 0, 0);

        Tally plus(Group g) {
            return new Tally(written, pending.appendAll(g.entries()),
                    g.damage().foldLeft(damage, (m, d) -> m.put(Rebuild.kind(d), 1L, Long::sum)), errors + g.failed(),
                    Math.max(highestGeneration, g.highestGeneration()));
        }

        Tally flushed() {
            return new Tally(written + pending.size(), Vector.empty(), damage, errors, highestGeneration);
        }
    }

    private final Volumes volumes;
    private final Blobs blobs;
    private final Index index;
    private final Clock clock;
    private final Progress progress;
    private final int concurrency;
    private final int batch;

    public Rebuilder(Volumes volumes, Blobs blobs, Index index, Clock clock, Progress progress, int concurrency, int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be at least 1");
        this.volumes = volumes;
        this.blobs = blobs;
        this.index = index;
        this.clock = clock;
        this.progress = progress;
        this.concurrency = concurrency;
        this.batch = batch;
    }

    /** Walks every volume and writes what it found. */
    public Report run(Seq<Volume> all) {
        VolumeWalk.Walked<Tally> walked = new VolumeWalk(volumes, progress, concurrency)
                .walk(all, this::group, Tally.ZERO, (t, g) -> atBatch(t.plus(g), batch));
        Tally t = atBatch(walked.summary(), 1);
        // Generations found on the volumes, kept or not, are never handed out again.
        index.raiseGenerations(t.highestGeneration());
        return new Report(t.written(), t.damage(), t.errors() + walked.failures());
    }

    /** One aa/bb group, on a worker: read its sidecars and merge them into entries. */
    private Group group(Seq<VolumeWalk.Position> positions) {
        List<Rebuild.Found> found = List.empty();
        List<Rebuild.Damage> unreadable = List.empty();
        long failed = 0;
        for (VolumeWalk.Position p : positions) {
            Option<Sidecar> sidecar = Option.none();
            if (p.sidecar()) {
                switch (blobs.readSidecar(p.replica().volume(), p.path())) {
                    case SidecarRead.Found f -> sidecar = Option.some(f.sidecar());
                    case SidecarRead.Missing m -> { } // deleted since the listing: as if never listed
                    case SidecarRead.Unreadable u -> {
                        unreadable = unreadable.append(new Rebuild.Damage.UnreadableSidecar(p.replica(), p.path(), u.why()));
                        continue;
                    }
                    case SidecarRead.Failed f -> {
                        failed++;
                        progress.note("cannot read " + p.replica().volume() + p.path().sidecarPath() + ": " + f.failure().describe());
                        continue;
                    }
                }
            }
            if (sidecar.isEmpty() && p.blobSize().isEmpty()) continue;
            found = found.append(new Rebuild.Found(p.replica(), p.path(), sidecar, p.blobSize()));
        }
        Rebuild.Result merged = Rebuild.merge(found, clock.instant());
        Seq<Rebuild.Damage> all = unreadable.appendAll(merged.damage());
        all.forEach(d -> progress.note(Rebuild.describe(d)));
        progress.add(Progress.Counter.KEYS_FOUND, merged.entries().size());
        progress.add(Progress.Counter.FINDINGS, all.size());
        progress.add(Progress.Counter.ERRORS, failed);
        return new Group(merged.entries(), all, failed, positions.map(p -> p.path().generation()).max().getOrElse(0L));
    }

    // On the walk's one folding thread: the workers wait for it, so memory stays at about one batch.
    private Tally atBatch(Tally t, int atLeast) {
        if (t.pending().size() < atLeast) return t;
        index.putAll(t.pending());
        return t.flushed();
    }
}
