package mkv.app;

import io.vavr.control.Either;
import java.nio.file.Files;
import mkv.adapter.sqlite.SqliteIndex;
import mkv.domain.port.IndexFailure;
import mkv.domain.port.IndexInUse;
import mkv.domain.port.ServedIndex;

/**
 * Opens the index an {@link IndexLocation} names with the adapter for its kind: the one place
 * that knows which adapters exist. Each adapter applies its own rule for who may write (the
 * SQLite file: one writing process per file, by a lock beside it).
 */
final class Indexes {
    private Indexes() {}

    /** How the serving coordinator opens its index. */
    record Serving(boolean syncFull, boolean integrityCheck) {}

    /**
     * Opens (creating if absent) the index as its one writing process: the coordinator, a
     * rebuild. Throws {@link IndexInUse} naming the holder when another process writes it, and
     * {@link IndexFailure} when it cannot be opened or is damaged.
     */
    static ServedIndex openAsSoleWriter(IndexLocation at, Serving how) {
        return switch (at) {
            case IndexLocation.SqliteFile f -> SqliteIndex.openAsSoleWriter(f.file(), SqliteIndex.Options.defaults()
                    .withSynchronous(how.syncFull() ? SqliteIndex.Synchronous.FULL : SqliteIndex.Synchronous.NORMAL)
                    .withIntegrityCheck(how.integrityCheck()));
        };
    }

    /** An index that must already exist, opened beside its writer (verify, rebalance): never an empty one made by mistake. */
    static Either<String, ServedIndex> existing(IndexLocation at) {
        return switch (at) {
            case IndexLocation.SqliteFile f -> Files.isRegularFile(f.file())
                    ? Either.right(SqliteIndex.open(f.file(), SqliteIndex.Options.defaults()))
                    : Either.left("--db: no index at " + f.file());
        };
    }

    /** The index a rebuild writes into, as its sole writer; created when absent. Every refusal in words. */
    static Either<String, ServedIndex> forRebuild(IndexLocation at) {
        return switch (at) {
            case IndexLocation.SqliteFile f when Files.isDirectory(f.file()) -> Either.left("--db: " + f.file() + " is a folder");
            case IndexLocation.SqliteFile f -> {
                try {
                    yield Either.right(SqliteIndex.openAsSoleWriter(f.file(), SqliteIndex.Options.defaults()));
                } catch (IndexInUse e) {
                    yield Either.left("--db: " + e.getMessage());
                }
            }
        };
    }

    /**
     * What undoes the traces of opening a new index, for a start refused after it: a refused
     * start leaves no file behind that was not there before.
     */
    static Runnable undoCreation(IndexLocation at) {
        return switch (at) {
            case IndexLocation.SqliteFile f -> SqliteIndex.undoCreation(f.file());
        };
    }
}
