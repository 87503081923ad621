package mkv.domain.flow;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.collection.TreeMap;
import io.vavr.control.Option;
import java.time.Clock;
import java.util.ArrayList;
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

    private final Volumes volumes;
    private final Blobs blobs;
    private final Index index;
    private final Clock clock;
    private final Progress progress;
    private final int concurrency;
    private final int batch;

    private final java.util.List<Entry> pending = new ArrayList<>();
    private long written;
    private io.vavr.collection.Map<Rebuild.Kind, Long> damage = TreeMap.empty();
    private long errors;
    private long highestGeneration;

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

    /** Walks every volume and writes what it found; run once per instance. */
    public Report run(Seq<Volume> all) {
        long listingFailures = new VolumeWalk(volumes, progress, concurrency).walk(all, this::group);
        synchronized (this) {
            flush();
            // Generations found on the volumes, kept or not, are never handed out again.
            index.raiseGenerations(highestGeneration);
            return new Report(written, damage, errors + listingFailures);
        }
    }

    /** One aa/bb group: read its sidecars, merge, queue the entries. */
    private void group(Seq<VolumeWalk.Position> positions) {
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
        synchronized (this) {
            errors += failed;
            for (VolumeWalk.Position p : positions) highestGeneration = Math.max(highestGeneration, p.path().generation());
            for (Rebuild.Damage d : all) damage = damage.put(Rebuild.kind(d), 1L, Long::sum);
            pending.addAll(merged.entries().toJavaList());
            if (pending.size() >= batch) flush();
        }
    }

    // Holds the lock while the batch commits: the walkers wait, so memory stays at one batch.
    private void flush() {
        if (pending.isEmpty()) return;
        index.putAll(List.ofAll(pending));
        written += pending.size();
        pending.clear();
    }
}
