package mkv.adapter.sqlite;

import io.vavr.control.Option;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.BiConsumer;
import mkv.domain.port.IndexFailure;

/**
 * A consistent copy of a live index, taken beside a running coordinator with
 * {@code VACUUM INTO}: one read transaction, which in WAL mode never blocks the writer (measured
 * against sqlite-jdbc's {@code backup to}, whose page steps restart whenever the coordinator
 * commits; see docs/OPERATIONS.md). The copy is written to {@code FILE.partial} and moved into
 * place only when whole, so a {@code FILE} that exists is always a complete index.
 */
public final class IndexBackup {
    private IndexBackup() {}

    /**
     * What was copied: the copy's size, the entries it holds, the cluster id it keeps, and the
     * WRITING entries (writes in flight at the moment of the copy) it left out.
     */
    public record Copied(long bytes, long entries, Option<String> cluster, long inFlightLeftOut) {}

    /**
     * Copies {@code source} into {@code target}, which must not exist; {@code progress} is told
     * (bytes written so far, the source's size) while the copy grows, from another thread.
     */
    public static Copied copy(Path source, Path target, BiConsumer<Long, Long> progress) {
        if (!Files.isRegularFile(source)) throw new IndexFailure("no index at " + source, null);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            Files.deleteIfExists(partial);
        } catch (IOException e) {
            throw new IndexFailure("cannot remove an old " + partial + ": " + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.toAbsolutePath());
             Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            if (!hasTable(s, "entries")) throw new IndexFailure(source + " is not an mkv index (it has no entries table)", null);
            long size = single(s, "PRAGMA page_count") * single(s, "PRAGMA page_size");
            Thread watcher = Thread.ofVirtual().start(() -> watch(partial, size, progress));
            try {
                s.execute("VACUUM INTO '" + partial.toAbsolutePath().toString().replace("'", "''") + "'");
            } finally {
                watcher.interrupt();
                try {
                    watcher.join(1000); // no report of the growing file may follow the final one
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (SQLException e) {
            deleteQuietly(partial);
            if (Failures.corrupt(e)) throw IntegrityCheck.damaged(source, e.getMessage(), e);
            throw new IndexFailure("cannot back up " + source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
        try {
            long inFlight = dropWriting(partial);
            Copied copied = describe(partial, inFlight);
            progress.accept(copied.bytes(), copied.bytes());
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return copied;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new IndexFailure("cannot move the backup into place at " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
    }

    /**
     * Removes the WRITING entries from the copy. Such an entry only says a write was under way;
     * restored, it would be settled as abandoned, and settling deletes the replicas it names,
     * which by then may hold a value the client was told is stored. Left out, a write that
     * finished is a whole value no entry names, which {@code mkv verify --repair} adopts, and one
     * that did not is an orphan it removes. A replace under way (a row's pending generation) is
     * dropped from its row for the same reason: restored, recovery would delete the pending
     * generation's files, which may have become the key's value since; left out, a finished
     * replace is a generation newer than the row names, which verify adopts too.
     */
    private static long dropWriting(Path copy) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy.toAbsolutePath());
             Statement s = c.createStatement()) {
            long writing = changed(s, "DELETE FROM entries WHERE state = " + Rows.code(mkv.domain.EntryState.WRITING));
            return writing + changed(s, "UPDATE entries SET pending = NULL WHERE pending IS NOT NULL");
        } catch (SQLException e) {
            throw new IndexFailure("cannot finish the backup " + copy + ": " + e.getMessage(), e);
        }
    }

    /**
     * Rows the statement itself changed. Not executeUpdate's answer: for a plain Statement
     * sqlite-jdbc counts the rows the counters' triggers change too ({@link Counters}).
     */
    private static long changed(Statement s, String sql) throws SQLException {
        s.execute(sql);
        try (var rs = s.executeQuery("SELECT changes()")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Reads the finished copy back: what a restore would find in it. */
    private static Copied describe(Path copy, long inFlight) throws IOException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy.toAbsolutePath());
             Statement s = c.createStatement()) {
            long entries = single(s, "SELECT count(*) FROM entries");
            Option<String> cluster = Option.none();
            if (hasTable(s, "meta")) {
                try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = 'cluster'")) {
                    if (rs.next()) cluster = Option.of(rs.getString(1));
                }
            }
            return new Copied(Files.size(copy), entries, cluster, inFlight);
        } catch (SQLException e) {
            throw new IndexFailure("the backup " + copy + " cannot be read back: " + e.getMessage(), e);
        }
    }

    private static void watch(Path partial, long total, BiConsumer<Long, Long> progress) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                progress.accept(Files.exists(partial) ? Files.size(partial) : 0L, total);
                Thread.sleep(200);
            } catch (IOException ignored) {
                // The file appears and grows under us; the next look sees it.
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean hasTable(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
            return rs.next();
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Left behind, it is named .partial and the next backup removes it.
        }
    }
}
