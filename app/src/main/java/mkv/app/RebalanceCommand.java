package mkv.app;

import io.vavr.collection.List;
import io.vavr.control.Either;
import java.time.Clock;
import java.util.concurrent.Callable;
import mkv.adapter.nginx.VolumeList;
import mkv.domain.RebalanceTotals;
import mkv.domain.Ring;
import mkv.domain.Volume;
import mkv.domain.flow.Rebalancer;
import mkv.domain.port.Progress.Counter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mkv rebalance}: moves replicas to where the ring over a new volume set places them. */
@Command(name = "rebalance", customSynopsis = "mkv rebalance --volumes HOST:PORT,... --db PATH [OPTIONS]", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Moves replicas to where the hash ring over --volumes places them.",
            "Run it after adding or removing a volume, to move every key's replicas. Per key, it copies each missing replica volume-to-volume as a stream "
                    + "(blob, then sidecar; size and md5 checked), switches the index entry (only if nobody changed it "
                    + "meanwhile), and only then deletes the replicas no longer wanted.",
            "It is safe beside a running coordinator on the same --db. Killed and run again, it finishes the job (a key "
                    + "killed between switch and delete keeps an orphan replica, which 'mkv verify --repair' removes). Keep "
                    + "every old volume running until it is done.",
            "",
            "Exit code: 0 done, 1 some keys could not be moved (they stay readable where they were), 2 bad usage.",
            "",
            "  mkv rebalance --volumes h1:80,h2:80,h3:80,h4:80 --db index.db --dry-run",
            "  mkv rebalance --volumes h1:80,h2:80,h3:80,h4:80 --db index.db --concurrency 8",
            "  # then restart 'mkv server' with the same --volumes (before or after)",
            ""})
final class RebalanceCommand implements Callable<Integer> {

    @Option(names = "--volumes", required = true, split = ",", paramLabel = "HOST:PORT",
            description = "The new volume set, comma-separated: where keys must end up; one that speaks TLS is written with the https scheme (and needs --tls-ca).")
    java.util.List<String> volumes;

    @Option(names = "--db", required = true, paramLabel = "PATH", converter = IndexLocation.Converter.class, description = "The index (the coordinator's --db; it may be running).")
    IndexLocation db;

    @Option(names = "--replicas", defaultValue = "3", paramLabel = "R", description = "Replicas per key, as the coordinator's (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--subvolumes", defaultValue = "1", paramLabel = "N", description = "As the coordinator's --subvolumes (default ${DEFAULT-VALUE}).")
    int subvolumes;

    @Option(names = "--vnodes", defaultValue = "" + Ring.DEFAULT_VNODES, paramLabel = "N", description = "As the coordinator's --vnodes (default ${DEFAULT-VALUE}).")
    int vnodes;

    @Option(names = "--dry-run", description = "Print the plan (keys to move, bytes, per volume) and change nothing.")
    boolean dryRun;

    @Option(names = "--concurrency", defaultValue = "4", paramLabel = "N", description = "Keys moved at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Mixin
    AdminOptions options;

    @Override
    public Integer call() throws Exception {
        Either<List<String>, VolumeList> listed = AdminTool.volumes(volumes);
        if (listed.isLeft()) return AdminTool.usage("rebalance", listed.getLeft());
        List<Volume> all = listed.get().volumes().toList();
        // The placement flags keep the coordinator's own rules: the ring must be the one it builds.
        List<String> problems = options.problems().appendAll(AdminOptions.problems(
                Rule.between(1, all.size()).check("--replicas", replicas)
                        .map(p -> p + " (" + all.size() + " volumes given)"),
                SettingsTable.SUBVOLUMES.rule().check("--subvolumes", subvolumes),
                SettingsTable.VNODES.rule().check("--vnodes", vnodes),
                AdminOptions.CONCURRENCY.check("--concurrency", concurrency)));
        if (!problems.isEmpty()) return AdminTool.usage("rebalance", problems);
        Ring ring = Ring.of(all, vnodes, subvolumes);
        return AdminTool.run("rebalance", listed.get(), options, db, Indexes::existing, (index, nginx) -> {
            var strangers = AdminTool.sameCluster(index, nginx, all, !dryRun);
            if (!strangers.isEmpty()) return AdminTool.usage("rebalance", strangers.toList());
            long total = index.count();
            // The plan (the index read once, nothing moved) gives the bar its end: keys to move, not entries to read.
            ConsoleProgress planning = ConsoleProgress.start(options.progressEvery, p -> String.format(
                    "rebalance: planning: %s%s of %s entries read, %.0fs",
                    p.done(p.get(Counter.ENTRIES_CHECKED), total), ConsoleProgress.count(p.get(Counter.ENTRIES_CHECKED)),
                    ConsoleProgress.count(total), p.seconds()));
            RebalanceTotals plan;
            try (planning) {
                plan = new Rebalancer(index, nginx, nginx, nginx, ring, replicas, Clock.systemUTC(), planning).plan();
            }
            if (dryRun) {
                printPlan(plan);
                return AdminTool.CLEAN;
            }
            ConsoleProgress progress = ConsoleProgress.start(options.progressEvery, p -> String.format(
                    "rebalance: %s%s of %s keys moved (%s keys/s), %s copied, %s errors, %.0fs",
                    p.done(p.get(Counter.KEYS_MOVED), plan.keys()), ConsoleProgress.count(p.get(Counter.KEYS_MOVED)),
                    ConsoleProgress.count(plan.keys()), ConsoleProgress.count(p.rate(Counter.KEYS_MOVED)),
                    ConsoleProgress.bytes(p.get(Counter.BYTES_COPIED)), ConsoleProgress.count(p.get(Counter.ERRORS)), p.seconds()));
            Rebalancer.Report report;
            try (progress) {
                report = new Rebalancer(index, nginx, nginx, nginx, ring, replicas, Clock.systemUTC(), progress).run(concurrency);
            }
            double s = progress.seconds();
            System.out.printf("mkv rebalance: %s entries checked, %s keys moved, %s copied in %.1f s (%s keys/s); "
                            + "%s changed by others meanwhile (left to them), %s errors%n",
                    ConsoleProgress.count(report.examined()), ConsoleProgress.count(report.moved()), ConsoleProgress.bytes(report.bytes()), s,
                    ConsoleProgress.count(Math.round(report.moved() / Math.max(s, 1e-3))), ConsoleProgress.count(report.conflicts()),
                    ConsoleProgress.count(report.errors()));
            return report.clean() ? AdminTool.CLEAN : AdminTool.DAMAGE;
        });
    }

    private static void printPlan(RebalanceTotals plan) {
        System.out.printf("mkv rebalance --dry-run: %s keys to move, %s copies, %s to copy, %s replicas to delete%n",
                ConsoleProgress.count(plan.keys()), ConsoleProgress.count(plan.copies()), ConsoleProgress.bytes(plan.bytes()),
                ConsoleProgress.count(plan.deletes()));
        var volumes = plan.copiesTo().keySet().addAll(plan.deletesFrom().keySet());
        for (Volume v : volumes) {
            System.out.printf("  %-24s +%s copies (%s), -%s replicas%n", v, ConsoleProgress.count(plan.copiesTo().get(v).getOrElse(0L)),
                    ConsoleProgress.bytes(plan.bytesTo().get(v).getOrElse(0L)), ConsoleProgress.count(plan.deletesFrom().get(v).getOrElse(0L)));
        }
    }
}
