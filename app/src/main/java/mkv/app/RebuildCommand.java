package mkv.app;

import io.vavr.collection.List;
import io.vavr.control.Either;
import java.time.Clock;
import java.util.concurrent.Callable;
import mkv.adapter.nginx.VolumeList;
import mkv.domain.Identity;
import mkv.domain.Rebuild;
import mkv.domain.Volume;
import mkv.domain.flow.Clusters;
import mkv.domain.flow.Rebuilder;
import mkv.domain.port.Progress.Counter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mkv rebuild}: a new index from the sidecars on the volumes alone. */
@Command(name = "rebuild", customSynopsis = "mkv rebuild --volumes HOST:PORT,... --db PATH [OPTIONS]", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Rebuilds the index from the sidecars on the volumes.",
            "It lists every /svNN/aa/bb/ folder of every volume (only folders that exist), reads each blob's .key sidecar, "
                    + "checks the blob is there with the recorded size, merges each key's replicas and writes the entries in "
                    + "bulk. Size, md5, creation time and the unlinked state come back exactly.",
            "It reports blobs without a sidecar, sidecars without a blob, and unreadable or conflicting sidecars.",
            "",
            "Exit code: 0 clean, 1 damage found or a volume could not be read, 2 bad usage.",
            "",
            "  mkv rebuild --volumes h1:3001,h2:3001,h3:3001 --db new.db",
            "  mkv server --volumes h1:3001,h2:3001,h3:3001 --db new.db  # serve it",
            ""})
final class RebuildCommand implements Callable<Integer> {

    @Option(names = "--volumes", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "Every volume that holds data, comma-separated; one that speaks TLS is written with the https scheme (and needs --tls-ca).")
    java.util.List<String> volumes;

    @Option(names = "--db", required = true, paramLabel = "PATH", converter = IndexLocation.Converter.class,
            description = "The index file to write: new, or empty (see --force).")
    IndexLocation db;

    @Option(names = "--force", description = "Write into an index that already holds entries: found keys are overwritten, others kept.")
    boolean force;

    @Option(names = "--concurrency", defaultValue = "16", paramLabel = "N",
            description = "Folders walked at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--batch", defaultValue = "10000", paramLabel = "N",
            description = "Entries written per bulk batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    AdminOptions options;

    @Override
    public Integer call() throws Exception {
        Either<List<String>, VolumeList> listed = AdminTool.volumes(volumes);
        if (listed.isLeft()) return AdminTool.usage("rebuild", listed.getLeft());
        List<String> problems = options.problems().appendAll(AdminOptions.problems(
                AdminOptions.CONCURRENCY.check("--concurrency", concurrency), Rule.atLeast(1).check("--batch", batch)));
        if (!problems.isEmpty()) return AdminTool.usage("rebuild", problems);
        List<Volume> all = listed.get().volumes().toList();
        return AdminTool.run("rebuild", listed.get(), options, db, Indexes::forRebuild, (index, nginx) -> {
            index.announce("mkv rebuild");
            // The rebuilt index belongs to the volumes' cluster: their marker names it.
            var cluster = Identity.fromVolumes(Clusters.look(nginx, all, false));
            if (cluster.isLeft()) return AdminTool.usage("rebuild", cluster.getLeft().toList());
            if (cluster.get().isDefined() && index.cluster().isDefined() && !index.cluster().equals(cluster.get())) {
                return AdminTool.usage("rebuild", List.of("--db: " + db + " belongs to cluster " + index.cluster().get()
                        + ", the volumes to " + cluster.get().get() + "; rebuild into a new file"));
            }
            long before = index.count();
            if (before > 0 && !force) {
                return AdminTool.usage("rebuild", List.of("--db: " + db + " already holds " + before
                        + " entries; rebuild into a new file, or pass --force to write into this one"));
            }
            cluster.get().forEach(index::claim);
            Rebuilder.Report report;
            ConsoleProgress progress = ConsoleProgress.start(options.progressEvery, p -> String.format(
                    "rebuild: %s%d/%d volumes, %s folders, %s keys found (%s keys/s), %s damaged, %s errors, %.0fs",
                    p.done(p.get(Counter.PREFIXES_WALKED), p.get(Counter.PREFIXES_FOUND)), p.get(Counter.VOLUMES_SCANNED), all.size(),
                    ConsoleProgress.count(p.get(Counter.FOLDERS_LISTED)), ConsoleProgress.count(p.get(Counter.KEYS_FOUND)),
                    ConsoleProgress.count(p.rate(Counter.KEYS_FOUND)), ConsoleProgress.count(p.get(Counter.FINDINGS)),
                    ConsoleProgress.count(p.get(Counter.ERRORS)), p.seconds()));
            try (progress) {
                report = new Rebuilder(nginx, nginx, index, Clock.systemUTC(), progress, concurrency, batch).run(all);
            }
            double s = progress.seconds();
            System.out.println(summary(report, db, all.size(), s));
            return report.clean() ? AdminTool.CLEAN : AdminTool.DAMAGE;
        });
    }

    /** The closing line: what was written, the damage in words, and the volume calls that failed. */
    static String summary(Rebuilder.Report report, IndexLocation db, int volumes, double seconds) {
        return String.format(java.util.Locale.ROOT, "mkv rebuild: %s entries written to %s from %s in %.1f s (%s keys/s); damage: %s; errors %s",
                ConsoleProgress.count(report.entries()), db, volumes == 1 ? "1 volume" : ConsoleProgress.count(volumes) + " volumes", seconds,
                ConsoleProgress.count(Math.round(report.entries() / Math.max(seconds, 1e-3))),
                report.damage().isEmpty() ? "none" : report.damage().map(t -> ConsoleProgress.count(t._2) + " " + words(t._1, t._2)).mkString(", "),
                ConsoleProgress.count(report.errors()));
    }

    /** What a summary calls {@code n} findings of a kind of damage. */
    static String words(Rebuild.Kind kind, long n) {
        boolean one = n == 1;
        return switch (kind) {
            case BLOB_WITHOUT_SIDECAR -> one ? "blob without a sidecar" : "blobs without a sidecar";
            case SIDECAR_WITHOUT_BLOB -> one ? "sidecar without its blob" : "sidecars without their blob";
            case SIZE_MISMATCH -> one ? "blob of another size than its sidecar says" : "blobs of another size than their sidecar says";
            case MISPLACED -> one ? "sidecar in the wrong place" : "sidecars in the wrong place";
            case UNREADABLE_SIDECAR -> one ? "unreadable sidecar" : "unreadable sidecars";
            case CONFLICT -> one ? "key whose replicas disagree" : "keys whose replicas disagree";
            case UNDECIDED -> one ? "undecided key restored as unlinked" : "undecided keys restored as unlinked";
            case SUPERSEDED -> one ? "older generation left behind" : "older generations left behind";
        };
    }
}
