package mkv.domain.flow;

import io.vavr.collection.HashMap;
import io.vavr.collection.List;
import io.vavr.collection.Map;
import io.vavr.collection.Seq;
import io.vavr.collection.TreeMap;
import io.vavr.control.Option;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import mkv.domain.BlobPath;
import mkv.domain.Replica;
import mkv.domain.TempFile;
import mkv.domain.Volume;
import mkv.domain.port.Listing;
import mkv.domain.port.Progress;
import mkv.domain.port.Volumes;

/**
 * Walks every volume's blob folders, {@code /svNN/aa/bb/}, through their listings, handing over
 * one {@code aa/bb} group at a time across all volumes and subvolumes: every replica of a key
 * sits in the same {@code aa/bb} folder everywhere, so a group holds all of its keys' replicas
 * while memory stays bounded by the groups in flight. Only folders that exist are listed;
 * names that do not fit the layout are skipped. A failed listing is counted and noted, and the
 * walk goes on with what it could see. On request it also hands over the temp files nginx left
 * ({@link TempFile}): those in the {@code .tmp} folders, and failed copies in the blob folders.
 */
final class VolumeWalk {

    /** One blob position on one volume: the blob (its size) and/or its sidecar, and when it was last written. */
    record Position(Replica replica, BlobPath path, Option<Long> blobSize, boolean sidecar, Instant modified) {}

    /** A temp file nginx left on a volume, and when it was last written. */
    record Leftover(Volume volume, TempFile file, long size, Instant modified) {}

    // The layout's names, shared with Clusters' "does this volume hold data" probe.
    static final Pattern SUBVOLUME = Pattern.compile("sv(\\d\\d)");
    static final Pattern HEX2 = Pattern.compile("[0-9a-f]{2}");
    static final Pattern BLOB = Pattern.compile("([0-9a-f]{64})(?:\\.([1-9][0-9]{0,18}))?(\\.key)?");

    private final Volumes volumes;
    private final Progress progress;
    private final int concurrency;

    VolumeWalk(Volumes volumes, Progress progress, int concurrency) {
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1");
        this.volumes = volumes;
        this.progress = progress;
        this.concurrency = concurrency;
    }

    /**
     * Calls {@code group} once per non-empty {@code aa/bb} group, from up to {@code concurrency}
     * threads at once. Returns the number of listing failures.
     */
    long walk(Seq<Volume> all, Consumer<Seq<Position>> group) {
        return walk(all, group, Option.none());
    }

    /** As {@link #walk(Seq, Consumer)}, and calls {@code leftover} once per temp file found, from any thread. */
    long walk(Seq<Volume> all, Consumer<Seq<Position>> group, Consumer<Leftover> leftover) {
        return walk(all, group, Option.some(leftover));
    }

    /**
     * Pure. Names in a listing that the walk never reads as data: dot-names, which nginx's listings
     * skip anyway — the {@code .tmp} upload folders, and any marker mkv keeps beside the data.
     */
    static boolean ignored(String name) {
        return name.startsWith(".");
    }

    private long walk(Seq<Volume> all, Consumer<Seq<Position>> group, Option<Consumer<Leftover>> leftover) {
        long[] failures = {0};
        // 1. Each volume's subvolume folders, then each subvolume's aa folders.
        Map<String, Seq<Replica>> byPrefix = TreeMap.empty();
        for (Volume v : all) {
            Option<Seq<Listing.Item>> root = list(v, "/", failures);
            if (root.isEmpty()) continue;
            if (leftover.isDefined()) leftovers(v, TempFile.rootFolder(), failures, leftover.get());
            for (Listing.Item sv : root.get().filter(Listing.Item::folder)) {
                var m = SUBVOLUME.matcher(sv.name());
                if (ignored(sv.name()) || !m.matches()) continue;
                Replica replica = new Replica(v, Integer.parseInt(m.group(1)));
                if (leftover.isDefined()) leftovers(v, TempFile.folder(replica.subvolume()), failures, leftover.get());
                for (Listing.Item aa : list(v, BlobPath.subvolumeFolder(replica.subvolume()), failures).getOrElse(List.empty())) {
                    if (aa.folder() && !ignored(aa.name()) && HEX2.matcher(aa.name()).matches()) {
                        byPrefix = byPrefix.put(aa.name(), List.of(replica), Seq::appendAll);
                    }
                }
            }
            progress.add(Progress.Counter.VOLUMES_SCANNED, 1);
        }
        // 2. One task per aa folder; each walks its bb folders group by group.
        progress.add(Progress.Counter.PREFIXES_FOUND, byPrefix.size());
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, Thread.ofVirtual().name("mkv-walk-", 0).factory());
        try {
            java.util.List<Future<Long>> tasks = new java.util.ArrayList<>();
            for (var aa : byPrefix) tasks.add(pool.submit(() -> walkPrefix(aa._1, aa._2, group, leftover)));
            for (Future<Long> t : tasks) failures[0] += t.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while walking the volumes", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return failures[0];
    }

    private long walkPrefix(String aa, Seq<Replica> replicas, Consumer<Seq<Position>> group, Option<Consumer<Leftover>> leftover) {
        long[] failures = {0};
        Map<String, Seq<Replica>> byBb = TreeMap.empty();
        for (Replica r : replicas) {
            for (Listing.Item bb : list(r.volume(), folder(r, aa, ""), failures).getOrElse(List.empty())) {
                if (bb.folder() && !ignored(bb.name()) && HEX2.matcher(bb.name()).matches()) byBb = byBb.put(bb.name(), List.of(r), Seq::appendAll);
            }
        }
        for (var bb : byBb) {
            List<Position> positions = List.empty();
            for (Replica r : bb._2) {
                String folder = folder(r, aa, bb._1);
                Seq<Listing.Item> files = list(r.volume(), folder, failures).getOrElse(List.empty());
                positions = positions.appendAll(positions(r, aa + bb._1, files));
                if (leftover.isDefined()) leftovers(r.volume(), folder, files).forEach(leftover.get());
            }
            if (!positions.isEmpty()) group.accept(positions);
        }
        progress.add(Progress.Counter.PREFIXES_WALKED, 1);
        return failures[0];
    }

    /**
     * Pure. A folder's files as positions: blob and sidecar of one digest and generation merged,
     * foreign names dropped.
     */
    static Seq<Position> positions(Replica replica, String prefix, Seq<Listing.Item> files) {
        Map<String, Position> byName = HashMap.empty();
        for (Listing.Item f : files) {
            if (f.folder()) continue;
            var m = BLOB.matcher(f.name());
            if (!m.matches() || !m.group(1).startsWith(prefix)) continue;
            String digest = m.group(1);
            long generation;
            try {
                generation = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
            } catch (NumberFormatException e) {
                continue; // more digits than a long holds: not a name mkv writes
            }
            boolean sidecar = m.group(3) != null;
            String name = digest + BlobPath.suffix(generation);
            Position p = byName.get(name).getOrElse(
                    new Position(replica, new BlobPath(replica.subvolume(), digest, generation), Option.none(), false, Instant.EPOCH));
            Instant modified = f.modified().isAfter(p.modified()) ? f.modified() : p.modified();
            p = sidecar ? new Position(replica, p.path(), p.blobSize(), true, modified)
                    : new Position(replica, p.path(), Option.some(f.size()), p.sidecar(), modified);
            byName = byName.put(name, p);
        }
        return byName.values().toList().sortBy(p -> p.path().digest() + "." + String.format("%019d", p.path().generation()));
    }

    /** Pure. The temp files among a folder's items: those whose path is a {@link TempFile}'s. */
    static Seq<Leftover> leftovers(Volume volume, String folder, Seq<Listing.Item> items) {
        return items.filter(i -> !i.folder()).flatMap(i -> TempFile.parse(folder + i.name())
                .map(file -> new Leftover(volume, file, i.size(), i.modified())));
    }

    private void leftovers(Volume v, String tempFolder, long[] failures, Consumer<Leftover> leftover) {
        leftovers(v, tempFolder, list(v, tempFolder, failures).getOrElse(List.empty())).forEach(leftover);
    }

    private static String folder(Replica r, String aa, String bb) {
        return BlobPath.subvolumeFolder(r.subvolume()) + aa + "/" + (bb.isEmpty() ? "" : bb + "/");
    }

    private Option<Seq<Listing.Item>> list(Volume v, String folder, long[] failures) {
        progress.add(Progress.Counter.FOLDERS_LISTED, 1);
        return switch (volumes.list(v, folder)) {
            case Listing.Found f -> Option.some(f.items());
            case Listing.Failed f -> {
                failures[0]++;
                progress.add(Progress.Counter.ERRORS, 1);
                progress.note("cannot list " + v + folder + ": " + f.failure().describe());
                yield Option.none();
            }
        };
    }
}
