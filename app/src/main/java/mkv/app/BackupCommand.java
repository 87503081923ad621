package mkv.app;

import io.vavr.collection.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import mkv.adapter.sqlite.IndexBackup;
import mkv.domain.port.IndexFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mkv backup}: a consistent copy of a live index, taken while the coordinator runs. */
@Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Writes a consistent copy of the index to a new file.",
            "The coordinator keeps serving: the copy is one read transaction (SQLite's VACUUM INTO), which never blocks "
                    + "its writes. The copy keeps the cluster id.",
            "To restore it (see docs/OPERATIONS.md), stop the coordinator, put the copy in place of the index (removing "
                    + "its -wal and -shm files), start it, then run 'mkv verify --repair' to adopt the keys written since the "
                    + "backup.",
            "",
            "Exit code: 0 copied, 1 the copy failed, 2 bad usage.",
            "",
            "  mkv backup --db /var/lib/mkv/index.db --to /backup/index-$(date +%F).db",
            ""})
final class BackupCommand implements Callable<Integer> {

    @Option(names = "--db", required = true, paramLabel = "PATH", converter = IndexLocation.Converter.class,
            description = "The index to copy (a coordinator may be running on it).")
    IndexLocation index;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "The copy to write; refused if it exists, unless --force.")
    Path to;

    @Option(names = "--force", description = "Replace FILE if it exists (only once the new copy is complete).")
    boolean force;

    @Option(names = "--progress-every", defaultValue = "5s", paramLabel = "DURATION",
            description = "How often a progress line is printed (default ${DEFAULT-VALUE}).")
    Duration progressEvery;

    @Override
    public Integer call() {
        List<String> problems = AdminOptions.problems(AdminOptions.PROGRESS_EVERY.check("--progress-every", progressEvery));
        if (!problems.isEmpty()) return AdminTool.usage("backup", problems);
        // The copy is the SQLite file's own (its online backup): another index adapter brings its own tool.
        Path db = switch (index) {
            case IndexLocation.SqliteFile f -> f.file();
        };
        if (!Files.isRegularFile(db)) return AdminTool.usage("backup", List.of("--db: no index at " + db));
        if (Files.isDirectory(to)) return AdminTool.usage("backup", List.of("--to: " + to + " is a folder"));
        if (Files.exists(to) && !force) {
            return AdminTool.usage("backup", List.of("--to: " + to + " exists; choose a new file, or pass --force to replace it"));
        }
        if (to.toAbsolutePath().normalize().equals(db.toAbsolutePath().normalize())) {
            return AdminTool.usage("backup", List.of("--to: that is the index itself"));
        }
        long started = System.nanoTime();
        long[] lastPrint = {started};
        try {
            IndexBackup.Copied copied = IndexBackup.copy(db, force ? to.resolveSibling(to.getFileName() + ".new") : to, (done, total) -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] < progressEvery.toNanos()) return;
                lastPrint[0] = now;
                System.err.printf("mkv backup: %s of about %s written, %.0fs%n",
                        ConsoleProgress.bytes(done), ConsoleProgress.bytes(total), (now - started) / 1e9);
            });
            if (force) Files.move(to.resolveSibling(to.getFileName() + ".new"), to, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.out.printf("mkv backup: %d entries (%s) copied to %s in %.1f s, cluster %s%n", copied.entries(),
                    ConsoleProgress.bytes(copied.bytes()), to, (System.nanoTime() - started) / 1e9, copied.cluster().getOrElse("(none yet)"));
            if (copied.inFlightLeftOut() > 0) {
                System.out.println("mkv backup: " + copied.inFlightLeftOut() + " writes in flight at the copy were left out of it;"
                        + " after a restore, 'mkv verify --repair' adopts those that finished");
            }
            return AdminTool.CLEAN;
        } catch (IndexFailure | java.io.IOException e) {
            System.err.println("mkv backup: " + e.getMessage());
            return AdminTool.DAMAGE;
        }
    }
}
