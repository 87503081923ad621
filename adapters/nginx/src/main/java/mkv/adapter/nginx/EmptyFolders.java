package mkv.adapter.nginx;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Removes the empty {@code svNN/aa/bb} and {@code svNN/aa} folders of a volume's data root: what
 * moves and deletes leave behind (nginx removes a file, never its folder), thousands of them once a
 * rebalance has moved a volume's replicas away. Only by {@code rmdir}, which the kernel refuses for
 * a folder that holds anything, so it can never delete a file, even beside a running nginx: a PUT
 * whose folder vanishes just before its final rename has nginx ({@code create_full_put_path})
 * create the folder again and retry the rename; only if the folder vanishes once more in between
 * does that PUT fail (a 500 the coordinator rolls back), and no stored file is ever lost.
 * Never over WebDAV: nginx's DELETE of a folder deletes everything in it.
 */
public final class EmptyFolders {
    private EmptyFolders() {}

    private static final Pattern SUBVOLUME = Pattern.compile("sv[0-9]{2}");
    private static final Pattern HEX2 = Pattern.compile("[0-9a-f]{2}");

    /** Removes every empty {@code aa/bb} folder under each {@code svNN}, then every {@code aa} left empty; returns how many. */
    public static long prune(Path dataRoot) throws IOException {
        long removed = 0;
        if (!Files.isDirectory(dataRoot)) return 0;
        for (Path sv : children(dataRoot, SUBVOLUME)) {
            for (Path aa : children(sv, HEX2)) {
                for (Path bb : children(aa, HEX2)) {
                    if (removeIfEmpty(bb)) removed++;
                }
                if (removeIfEmpty(aa)) removed++;
            }
        }
        return removed;
    }

    /**
     * rmdir: true when the folder was empty and is gone; a folder that holds anything, or is already
     * gone, stays as it is. The look inside first only spares a full volume an exception per folder;
     * rmdir itself is what refuses a folder that a file reached since.
     */
    static boolean removeIfEmpty(Path folder) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            if (entries.iterator().hasNext()) return false;
        } catch (NoSuchFileException e) {
            return false;
        }
        try {
            Files.delete(folder);
            return true;
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            return false;
        }
    }

    private static java.util.List<Path> children(Path folder, Pattern names) throws IOException {
        var out = new java.util.ArrayList<Path>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                if (names.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) out.add(p);
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        return out;
    }
}
