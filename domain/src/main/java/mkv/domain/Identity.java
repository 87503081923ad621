package mkv.domain;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;

/**
 * Whether an index and a set of volumes belong to one cluster, decided from the cluster ids
 * written in both. The rule behind every case: an index is never taken as the truth about
 * volumes that are not provably its own, because an index that does not know a file treats
 * it as an orphan, and orphans get deleted.
 */
public final class Identity {
    private Identity() {}

    /** One volume as seen before acting on it: its marker, and (when looked for) whether it holds any blob or sidecar. */
    public record Seen(Volume volume, VolumeMark mark, Option<Boolean> holdsData) {}

    /** What a coordinator's start may do. */
    public sealed interface Verdict {
        /** Run as cluster {@code id}: record it in the index when {@code claimIndex}, write the marker on {@code stamp}. */
        record Proceed(ClusterId id, boolean claimIndex, Seq<Volume> stamp, Seq<String> warnings) implements Verdict {}

        /** Do nothing; {@code freshIndex} when the index is new or empty, so that rebuilding it is the likely cure. */
        record Refuse(Seq<String> reasons, boolean freshIndex) implements Verdict {}
    }

    /**
     * Pure. A coordinator starting on an index ({@code index}'s id, {@code entries} rows) and
     * volumes. An index with an id accepts its own and blank volumes and refuses any other
     * cluster's. An index with rows but no id (made before identities) takes a new one. A new
     * or empty index is refused over volumes that hold data, belong to a cluster, or cannot be
     * reached to tell, unless {@code allowFresh}; it then adopts the volumes' id, if they have one.
     */
    public static Verdict atStart(Option<ClusterId> index, long entries, Seq<Seen> seen, boolean allowFresh, ClusterId fresh) {
        Seq<String> garbled = garbled(seen);
        Seq<ClusterId> ids = stampedIds(seen);
        Seq<Volume> blank = seen.filter(s -> s.mark() instanceof VolumeMark.Blank).map(Seen::volume);
        Seq<String> unasked = seen.flatMap(s -> s.mark() instanceof VolumeMark.Failed f
                ? Option.some("volume " + s.volume() + " could not be asked for its cluster id (" + f.failure().describe() + ")")
                : Option.none());
        if (index.isDefined()) {
            Seq<String> reasons = garbled.appendAll(foreign(index.get(), seen));
            if (!reasons.isEmpty()) return new Verdict.Refuse(reasons, false);
            return new Verdict.Proceed(index.get(), false, blank, unasked.map(u -> u + "; it is checked at the next start"));
        }
        if (ids.size() > 1) return new Verdict.Refuse(garbled.appendAll(mixed(seen)), false);
        if (!garbled.isEmpty()) return new Verdict.Refuse(garbled, entries == 0);
        if (entries > 0) {
            if (!ids.isEmpty()) {
                return new Verdict.Refuse(List.of("the index has " + entries + " entries but no cluster id, and the volumes belong to cluster "
                        + ids.head() + ": this index was not made for them"), false);
            }
            return new Verdict.Proceed(fresh, true, blank, unasked.map(u -> u + "; it is stamped at the next start"));
        }
        Seq<String> risks = unasked.map(u -> u + ", so it may hold data")
                .appendAll(seen.flatMap(s -> switch (s.mark()) {
                    case VolumeMark.Stamped st -> Option.some("volume " + s.volume() + " belongs to cluster " + st.cluster());
                    case VolumeMark.Blank b when s.holdsData().contains(true) -> Option.some("volume " + s.volume() + " holds blobs or sidecars");
                    default -> Option.<String>none();
                }));
        if (!risks.isEmpty() && !allowFresh) return new Verdict.Refuse(risks, true);
        return new Verdict.Proceed(ids.headOption().getOrElse(fresh), true, blank, risks.map(r -> r + " (started anyway: --allow-fresh-index)"));
    }

    /**
     * Pure. An admin tool (verify, rebalance) about to act on an index and volumes: every
     * reason they are not one cluster; empty when they are, or when nothing says otherwise.
     */
    public static Seq<String> mismatches(Option<ClusterId> index, Seq<Seen> seen) {
        Seq<String> garbled = garbled(seen);
        if (index.isDefined()) return garbled.appendAll(foreign(index.get(), seen));
        Seq<ClusterId> ids = stampedIds(seen);
        if (ids.isEmpty()) return garbled;
        return garbled.append("the index has no cluster id, but volume(s) " + seen.filter(s -> s.mark() instanceof VolumeMark.Stamped)
                .map(Seen::volume).mkString(", ") + " belong to cluster " + ids.mkString(" and ")
                + ": it is not their index (a coordinator started on it would have recorded the id)");
    }

    /**
     * Pure. The id a rebuilt index takes: the volumes' own, none when no volume is stamped;
     * the reasons when they disagree or a marker is unreadable.
     */
    public static Either<Seq<String>, Option<ClusterId>> fromVolumes(Seq<Seen> seen) {
        Seq<String> garbled = garbled(seen);
        Seq<ClusterId> ids = stampedIds(seen);
        if (ids.size() > 1) return Either.left(garbled.appendAll(mixed(seen)));
        if (!garbled.isEmpty()) return Either.left(garbled);
        return Either.right(ids.headOption());
    }

    private static Seq<ClusterId> stampedIds(Seq<Seen> seen) {
        return seen.flatMap(s -> s.mark() instanceof VolumeMark.Stamped st ? Option.some(st.cluster()) : Option.none()).distinct();
    }

    private static Seq<String> foreign(ClusterId index, Seq<Seen> seen) {
        return seen.flatMap(s -> s.mark() instanceof VolumeMark.Stamped st && !st.cluster().equals(index)
                ? Option.some("volume " + s.volume() + " belongs to cluster " + st.cluster() + ", but the index is cluster " + index
                        + ": is --volumes or --db wrong?")
                : Option.none());
    }

    private static Seq<String> mixed(Seq<Seen> seen) {
        return List.of("the volumes belong to different clusters: " + seen.flatMap(s -> s.mark() instanceof VolumeMark.Stamped st
                ? Option.some(s.volume() + " is " + st.cluster()) : Option.none()).mkString(", "));
    }

    private static Seq<String> garbled(Seq<Seen> seen) {
        return seen.flatMap(s -> s.mark() instanceof VolumeMark.Garbled g
                ? Option.some("volume " + s.volume() + " has an unreadable cluster marker (" + g.why() + ")")
                : Option.none());
    }
}
