package mkv.app;

import io.vavr.collection.List;
import io.vavr.control.Either;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import mkv.adapter.nginx.NginxVolumes;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.Identity;
import mkv.domain.Volume;
import mkv.domain.flow.Clusters;
import mkv.domain.port.Index;
import mkv.domain.port.Volumes;

/** What rebuild, rebalance and verify share: their exit codes, volume and index opening, usage errors. */
final class AdminTool {
    private AdminTool() {}

    static final int CLEAN = 0;
    static final int DAMAGE = 1;
    static final int USAGE = 2;

    /** The volumes flag, parsed as {@code mkv server} parses it, with duplicates refused. */
    static Either<List<String>, List<Volume>> volumes(java.util.List<String> texts) {
        Either<List<String>, List<Volume>> parsed = parseVolumes(texts);
        if (parsed.isLeft()) return parsed;
        if (parsed.get().isEmpty()) return Either.left(List.of("--volumes: at least one volume (host:port) is needed"));
        if (parsed.get().distinct().size() != parsed.get().size()) return Either.left(List.of("--volumes: a volume is listed twice"));
        return parsed;
    }

    static int usage(String command, List<String> problems) {
        problems.forEach(p -> System.err.println("mkv " + command + ": " + p));
        System.err.println("mkv " + command + ": see 'mkv " + command + " --help'");
        return USAGE;
    }

    /** An index that must already exist: rebalance and verify never create an empty one by mistake. */
    static Either<String, SqliteIndex> existingIndex(Path db) {
        if (!Files.isRegularFile(db)) return Either.left("--db: no index at " + db);
        return Either.right(SqliteIndex.open(db, SqliteIndex.Options.defaults()));
    }

    /**
     * Whether the index and the volumes are one cluster's (see {@link Identity#mismatches}):
     * every reason they are not; empty when they are. Blank volumes (new ones, e.g. added for
     * a rebalance) are stamped with the index's id when {@code stampBlank}.
     */
    static io.vavr.collection.Seq<String> sameCluster(Index index, Volumes volumes, io.vavr.collection.Seq<Volume> all, boolean stampBlank) {
        var seen = Clusters.look(volumes, all, false);
        var mismatches = Identity.mismatches(index.cluster(), seen);
        if (mismatches.isEmpty() && stampBlank && index.cluster().isDefined()) {
            var blank = seen.filter(s -> s.mark() instanceof mkv.domain.port.VolumeMark.Blank).map(Identity.Seen::volume);
            Clusters.stamp(volumes, blank, index.cluster().get(), "mkv-admin").forEach(w -> System.err.println("mkv: " + w));
        }
        return mismatches;
    }

    /** Parses a --volumes list; every bad entry is named. */
    private static Either<io.vavr.collection.List<String>, io.vavr.collection.List<mkv.domain.Volume>> parseVolumes(java.util.List<String> texts) {
        var all = io.vavr.collection.List.ofAll(texts == null ? java.util.List.of() : texts)
                .filter(t -> !t.isBlank()).map(mkv.domain.Volume::parse);
        var errors = all.filter(Either::isLeft).map(e -> "--volumes: " + e.getLeft());
        return errors.isEmpty() ? Either.right(all.map(Either::get)) : Either.left(errors);
    }

}
