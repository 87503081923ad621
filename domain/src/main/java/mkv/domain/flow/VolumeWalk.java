package mkv.domain.flow;

import io.vavr.collection.HashMap;
import io.vavr.collection.List;
import io.vavr.collection.Map;
import io.vavr.collection.Seq;
import io.vavr.collection.TreeMap;
import io.vavr.control.Option;
import java.time.Instant;
import java.util.function.BiFunction;
import java.util.function.Function;
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
 * while memory stays bounded by the groups in flight. Groups are walked on {@link Workers}: what
 * the flow makes of each is folded into its summary on the walking thread, not tallied behind a
 * lock. Only folders that exist are listed; names that do not fit the layout are skipped. A
 * failed listing is counted and noted, and the walk goes on with what it could see. On request
 * it also hands over the temp files nginx left ({@link TempFile}): those in the {@code .tmp}
 * folders, and failed copies in the blob folders.
 */
final class VolumeWalk {

    /** One blob position on one volume: the blob (its size) and/or its sidecar, and when it was last written. */
    record Position(Replica replica, BlobPath path, Option<Long> blobSize, boolean sidecar, Instant modified) {}

    /** A temp file nginx left on a volume, and when it was last written. */
    record Leftover(Volume volume, TempFile file, long size, Instant modified) {}

    /** What a walk returns: the flow's summary of every group, and how many listings failed. */
    record Walked<S>(S summary, long failures) {}

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
     * Hands each non-empty {@code aa/bb} group to {@code group} on a worker, up to
     * {@code concurrency} at once, and folds what each returns into a summary on this thread.
     */
    <R, S> Walked<S> walk(Seq<Volume> all, Function<Seq<Position>, R> group, S zero, BiFunction<S, R, S> fold) {
        return walk(all, group, Option.none(), zero, fold);
    }

    /** As {@link #walk(Seq, Function, Object, BiFunction)}, and hands over each temp file found to {@code leftover}, folded the same way. */
    <R, S> Walked<S> walk(Seq<Volume> all, Function<Seq<Position>, R> group, Function<Leftover, R> leftover, S zero, BiFunction<S, R, S> fold) {
        return walk(all, group, Option.some(leftover), zero, fold);
    }

    /**
     * Pure. Names in a listing that the walk never reads as data: dot-names, which nginx's listings
     * skip anyway — the {@code .tmp} upload folders, and any marker mkv keeps beside the data.
     */
    static boolean ignored(String name) {
        return name.startsWith(".");
    }

    /** One {@code aa/bb} folder, on every replica that has it; {@code folders}: how many its {@code aa} folder holds. */
    private record Folder(String aa, String bb, Seq<Replica> replicas, int folders) {}

    /** What a folder's worker hands back: the flow's results for it, and the listings that failed. */
    private record Piece<R>(Folder folder, Seq<R> results, long failures) {}

    /** The walk so far: the flow's summary, the listings that failed, and how many folders of each unfinished aa folder ended. */
    private record Walking<S>(S summary, long failures, Map<String, Integer> ended) {}

    private <R, S> Walked<S> walk(Seq<Volume> all, Function<Seq<Position>, R> group, Option<Function<Leftover, R>> leftover,
                                  S zero, BiFunction<S, R, S> fold) {
        long[] failures = {0};
        S summary = zero;
        // 1. Each volume's subvolume folders, then each subvolume's aa folders.
        Map<String, Seq<Replica>> byPrefix = TreeMap.empty();
        for (Volume v : all) {
            Option<Seq<Listing.Item>> root = list(v, "/", failures);
            if (root.isEmpty()) continue;
            if (leftover.isDefined()) summary = leftovers(v, TempFile.rootFolder(), failures).map(leftover.get()).foldLeft(summary, fold);
            for (Listing.Item sv : root.get().filter(Listing.Item::folder)) {
                var m = SUBVOLUME.matcher(sv.name());
                if (ignored(sv.name()) || !m.matches()) continue;
                Replica replica = new Replica(v, Integer.parseInt(m.group(1)));
                if (leftover.isDefined()) {
                    summary = leftovers(v, TempFile.folder(replica.subvolume()), failures).map(leftover.get()).foldLeft(summary, fold);
                }
                for (Listing.Item aa : list(v, BlobPath.subvolumeFolder(replica.subvolume()), failures).getOrElse(List.empty())) {
                    if (aa.folder() && !ignored(aa.name()) && HEX2.matcher(aa.name()).matches()) {
                        byPrefix = byPrefix.put(aa.name(), List.of(replica), Seq::appendAll);
                    }
                }
            }
            progress.add(Progress.Counter.VOLUMES_SCANNED, 1);
        }
        // 2. Each aa folder's bb folders, listed here; each aa/bb group walked by a worker.
        progress.add(Progress.Counter.PREFIXES_FOUND, byPrefix.size());
        try (Workers<Folder, Piece<R>, Walking<S>> workers = new Workers<>("mkv-walk", concurrency,
                f -> walkFolder(f, group, leftover), new Walking<>(summary, 0, HashMap.empty()), (w, p) -> ended(w, p, fold))) {
            for (var aa : byPrefix) {
                // Every replica's listing at once: one round trip while the workers wait for more groups, not one per replica.
                Seq<Option<Seq<Listing.Item>>> listed = Parallel.each(aa._2, r -> list(r.volume(), folder(r, aa._1, "")));
                failures[0] += listed.count(Option::isEmpty);
                Map<String, Seq<Replica>> byBb = TreeMap.empty();
                for (var r : aa._2.zip(listed)) {
                    for (Listing.Item bb : r._2.getOrElse(List.empty())) {
                        if (bb.folder() && !ignored(bb.name()) && HEX2.matcher(bb.name()).matches()) byBb = byBb.put(bb.name(), List.of(r._1), Seq::appendAll);
                    }
                }
                if (byBb.isEmpty()) progress.add(Progress.Counter.PREFIXES_WALKED, 1);
                for (var bb : byBb) workers.submit(new Folder(aa._1, bb._1, bb._2, byBb.size()));
            }
            Walking<S> walked = workers.finish();
            return new Walked<>(walked.summary(), failures[0] + walked.failures());
        }
    }

    /** On a worker: one aa/bb folder's files on every replica, handed to the flow as one group. */
    private <R> Piece<R> walkFolder(Folder f, Function<Seq<Position>, R> group, Option<Function<Leftover, R>> leftover) {
        long[] failures = {0};
        List<Position> positions = List.empty();
        List<R> results = List.empty();
        for (Replica r : f.replicas()) {
            String folder = folder(r, f.aa(), f.bb());
            Seq<Listing.Item> files = list(r.volume(), folder, failures).getOrElse(List.empty());
            positions = positions.appendAll(positions(r, f.aa() + f.bb(), files));
            if (leftover.isDefined()) results = results.appendAll(leftovers(r.volume(), folder, files).map(leftover.get()));
        }
        if (!positions.isEmpty()) results = results.append(group.apply(positions));
        return new Piece<>(f, results, failures[0]);
    }

    /** On the walk's thread: a folder's results folded in; its aa folder counted walked once all its folders ended. */
    private <R, S> Walking<S> ended(Walking<S> w, Piece<R> p, BiFunction<S, R, S> fold) {
        int ended = w.ended().get(p.folder().aa()).getOrElse(0) + 1;
        boolean last = ended == p.folder().folders();
        if (last) progress.add(Progress.Counter.PREFIXES_WALKED, 1);
        return new Walking<>(p.results().foldLeft(w.summary(), fold), w.failures() + p.failures(),
                last ? w.ended().remove(p.folder().aa()) : w.ended().put(p.folder().aa(), ended));
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

    private Seq<Leftover> leftovers(Volume v, String tempFolder, long[] failures) {
        return leftovers(v, tempFolder, list(v, tempFolder, failures).getOrElse(List.empty()));
    }

    private static String folder(Replica r, String aa, String bb) {
        return BlobPath.subvolumeFolder(r.subvolume()) + aa + "/" + (bb.isEmpty() ? "" : bb + "/");
    }

    private Option<Seq<Listing.Item>> list(Volume v, String folder, long[] failures) {
        Option<Seq<Listing.Item>> items = list(v, folder);
        if (items.isEmpty()) failures[0]++;
        return items;
    }

    /** The folder's items; none, noted, when it could not be listed. */
    private Option<Seq<Listing.Item>> list(Volume v, String folder) {
        progress.add(Progress.Counter.FOLDERS_LISTED, 1);
        return switch (volumes.list(v, folder)) {
            case Listing.Found f -> Option.some(f.items());
            case Listing.Failed f -> {
                progress.add(Progress.Counter.ERRORS, 1);
                progress.note("cannot list " + v + folder + ": " + f.failure().describe());
                yield Option.none();
            }
        };
    }
}
