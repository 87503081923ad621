package mkv.app;

import io.vavr.collection.List;
import io.vavr.control.Either;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import mkv.adapter.nginx.VolumeList;
import mkv.domain.Verification;
import mkv.domain.Volume;
import mkv.domain.flow.Verifier;
import mkv.domain.port.Progress.Counter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mkv verify}: checks every entry against the volumes and the volumes against the index. */
@Command(name = "verify", customSynopsis = "mkv verify --volumes HOST:PORT,... --db PATH [OPTIONS]", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Checks the index against the volumes; --repair mends what it finds.",
            "It checks that every entry's replicas exist with the right size (with --deep: the right md5, read end to end, "
                    + "and the right sidecar), and reports under-replicated and lost keys, WRITING entries older than --grace, "
                    + "and files on --volumes that no entry names (orphans). Files younger than --grace are left alone.",
            "--repair re-copies bad replicas from a good one, rewrites bad sidecars, settles stale WRITING entries (as the "
                    + "coordinator's recovery does) and deletes orphans (blobs with no sidecar at all only with --deep). It is "
                    + "safe beside a running coordinator on the same --db.",
            "--repair also marks keys with no good replica left LOST (GET answers 410), only when every replica answered "
                    + "missing or damaged on a volume of --volumes that carries this cluster's marker, and at most 1%% of the "
                    + "entries without --force; a LOST key with a good replica again becomes what it was.",
            "",
            "Exit code: 0 clean (or everything found was repaired), 1 damage left or a volume could not be read, 2 bad usage.",
            "",
            "  mkv verify --volumes h1:3001,h2:3001,h3:3001 --db index.db",
            "  mkv verify --volumes h1:3001,h2:3001,h3:3001 --db index.db --deep --repair",
            ""})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--volumes", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "Every volume, comma-separated: walked for orphans; one that speaks TLS is written with the https scheme (and needs --tls-ca).")
    java.util.List<String> volumes;

    @Option(names = "--db", required = true, paramLabel = "PATH", converter = IndexLocation.Converter.class, description = "The index (the coordinator's --db; it may be running).")
    IndexLocation db;

    @Option(names = "--deep", description = "Read every replica end to end and check its md5, and check every sidecar.")
    boolean deep;

    @Option(names = "--repair", description = "Mend what is found (see above).")
    boolean repair;

    @Option(names = "--force",
            description = "With --repair: mend even when the index is empty, or when the orphans found (or the keys to mark LOST) are "
                    + "more than 1%% of the entries (at least 100), which usually means a wrong --db or --volumes rather than damage. "
                    + "Run without --repair first and read the list.")
    boolean force;

    @Option(names = "--grace", defaultValue = "1h", paramLabel = "DURATION",
            description = "Leave WRITING entries and files younger than this alone: a write may still be working on them (default ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--concurrency", defaultValue = "8", paramLabel = "N", description = "Entries checked and folders walked at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Mixin
    AdminOptions options;

    @Override
    public Integer call() throws Exception {
        Either<List<String>, VolumeList> listed = AdminTool.volumes(volumes);
        if (listed.isLeft()) return AdminTool.usage("verify", listed.getLeft());
        List<Volume> all = listed.get().volumes().toList();
        List<String> problems = options.problems().appendAll(AdminOptions.problems(
                AdminOptions.GRACE.check("--grace", grace), AdminOptions.CONCURRENCY.check("--concurrency", concurrency)));
        if (!problems.isEmpty()) return AdminTool.usage("verify", problems);
        return AdminTool.run("verify", listed.get(), options, db, Indexes::existing, (index, nginx) -> {
            var strangers = AdminTool.sameCluster(index, nginx, all, false);
            if (!strangers.isEmpty()) return AdminTool.usage("verify", strangers.toList());
            long total = index.count();
            if (repair && total == 0 && !force) {
                return AdminTool.usage("verify", List.of("--db: the index " + db + " holds no entries, so --repair would take every file on "
                        + "the volumes for an orphan. If the index was lost, rebuild it: mkv rebuild --volumes "
                        + all.mkString(",") + " --db NEW.db. To repair anyway (orphans with whole values are adopted, "
                        + "not deleted), pass --force."));
            }
            // Two passes, each with its own bar: the entries, then the walk of the volumes' folders for orphans.
            ConsoleProgress progress = ConsoleProgress.start(options.progressEvery, p -> String.format(
                    "verify: %s%s of %s entries checked (%s/s), %s folders walked, %s findings, %s repaired, %s errors, %.0fs",
                    p.get(Counter.PREFIXES_FOUND) == 0 ? "entries " + p.done(p.get(Counter.ENTRIES_CHECKED), total)
                            : "orphan walk " + p.done(p.get(Counter.PREFIXES_WALKED), p.get(Counter.PREFIXES_FOUND)),
                    ConsoleProgress.count(p.get(Counter.ENTRIES_CHECKED)), ConsoleProgress.count(total),
                    ConsoleProgress.count(p.rate(Counter.ENTRIES_CHECKED)), ConsoleProgress.count(p.get(Counter.FOLDERS_LISTED)),
                    ConsoleProgress.count(p.get(Counter.FINDINGS)), ConsoleProgress.count(p.get(Counter.REPAIRED)),
                    ConsoleProgress.count(p.get(Counter.ERRORS)), p.seconds()));
            Verifier.Report report;
            try (progress) {
                report = new Verifier(index, nginx, nginx, Clock.systemUTC(), progress,
                        new Verifier.Options(deep, repair, grace, concurrency, force)).run(all);
            }
            System.out.printf("mkv verify: %s entries checked%s in %.1f s; findings: %s; repaired %s, left %s%s; errors %s%n",
                    ConsoleProgress.count(report.entries()), deep ? " (deep)" : "", progress.seconds(),
                    report.findings().isEmpty() ? "none" : report.findings().map(t -> ConsoleProgress.count(t._2) + " " + words(t._1, t._2))
                            .mkString(", "),
                    ConsoleProgress.count(report.repaired()), ConsoleProgress.count(report.unrepaired()),
                    report.markedLost() == 0 ? "" : " (" + ConsoleProgress.count(report.markedLost()) + " marked LOST: GET answers 410)",
                    ConsoleProgress.count(report.errors()));
            return report.clean() ? AdminTool.CLEAN : AdminTool.DAMAGE;
        });
    }

    /** What a summary calls {@code n} findings of a kind. */
    static String words(Verification.Kind kind, long n) {
        boolean one = n == 1;
        return switch (kind) {
            case MISSING_REPLICA -> one ? "missing replica" : "missing replicas";
            case WRONG_SIZE -> one ? "replica of the wrong size" : "replicas of the wrong size";
            case CORRUPT -> one ? "corrupt replica" : "corrupt replicas";
            case BAD_SIDECAR -> one ? "bad sidecar" : "bad sidecars";
            case UNCHECKED -> one ? "replica that could not be checked" : "replicas that could not be checked";
            case UNDER_REPLICATED -> one ? "under-replicated key" : "under-replicated keys";
            case LOST -> one ? "lost key" : "lost keys";
            case REAPPEARED -> one ? "lost key with a good replica again" : "lost keys with a good replica again";
            case ORPHAN -> one ? "orphan" : "orphans";
            case UNINDEXED -> one ? "whole value no entry names" : "whole values no entry names";
            case STALE_WRITING -> one ? "stale WRITING entry" : "stale WRITING entries";
            case TEMP_LEFTOVER -> one ? "leftover temp file" : "leftover temp files";
        };
    }
}
