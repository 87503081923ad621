package mkv.domain.flow;

import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;
import java.util.regex.Pattern;
import mkv.domain.ClusterId;
import mkv.domain.Identity;
import mkv.domain.Volume;
import mkv.domain.port.Listing;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;
import mkv.domain.VolumeMark;
import mkv.domain.port.Volumes;

/** Reads and writes the volumes' cluster markers, for the coordinator's start and the admin tools. */
public final class Clusters {
    private Clusters() {}


    /**
     * Every volume's marker, asked all at once; with {@code probeData}, a blank volume is also
     * walked until its first blob or sidecar, to tell a new volume from one that holds data.
     */
    public static Seq<Identity.Seen> look(Volumes volumes, Seq<Volume> all, boolean probeData) {
        return Parallel.each(all, v -> {
            VolumeMark mark = volumes.readMark(v);
            if (!probeData || !(mark instanceof VolumeMark.Blank)) return new Identity.Seen(v, mark, Option.none());
            return holdsData(volumes, v).fold(
                    failure -> new Identity.Seen(v, new VolumeMark.Failed(failure), Option.none()),
                    holds -> new Identity.Seen(v, mark, Option.some(holds)));
        });
    }

    /** Writes the marker on each volume at once; the failures, described. */
    public static Seq<String> stamp(Volumes volumes, Seq<Volume> targets, ClusterId cluster, String requestId) {
        return Parallel.each(targets, v -> volumes.writeMark(v, cluster, requestId))
                .flatMap(t -> t instanceof Transfer.Failed f
                        ? Option.some("cannot write the cluster marker on " + f.replica().volume() + ": " + f.failure().describe())
                        : Option.none());
    }

    /**
     * Whether the volume holds any blob or sidecar under {@code /svNN/aa/bb/}: depth first,
     * stopping at the first one, so a volume with data answers after a few listings. Empty
     * folders left by deletes are walked through, not counted.
     */
    static Either<VolumeFailure, Boolean> holdsData(Volumes volumes, Volume v) {
        return below(volumes, v, "/", 0);
    }

    private static Either<VolumeFailure, Boolean> below(Volumes volumes, Volume v, String folder, int depth) {
        Listing listing = volumes.list(v, folder);
        if (listing instanceof Listing.Failed f) return Either.left(f.failure());
        for (Listing.Item item : ((Listing.Found) listing).items()) {
            if (depth == 3) {
                if (!item.folder() && VolumeWalk.BLOB.matcher(item.name()).matches()) return Either.right(true);
                continue;
            }
            Pattern folders = depth == 0 ? VolumeWalk.SUBVOLUME : VolumeWalk.HEX2;
            if (!item.folder() || !folders.matcher(item.name()).matches()) continue;
            Either<VolumeFailure, Boolean> found = below(volumes, v, folder + item.name() + "/", depth + 1);
            if (found.isLeft() || found.get()) return found;
        }
        return Either.right(false);
    }
}
