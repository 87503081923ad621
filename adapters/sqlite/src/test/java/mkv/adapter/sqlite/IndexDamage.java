package mkv.adapter.sqlite;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Damages an index file on disk the way a bad disk or a stray write does, in place (a running
 * coordinator keeps its descriptors on the file). For this module's tests and the integration
 * tests alike.
 */
public final class IndexDamage {
    private IndexDamage() {}

    private static final int PAGE = 4096; // SQLite's default page size, which the index keeps
    private static final byte INDEX_LEAF = 0x0A; // a leaf page of an index b-tree, which a WITHOUT ROWID table is

    /** Overwrites {@code count} whole pages in the middle of the file with random bytes: SQLite opens it, reads there fail. */
    public static void garblePages(Path file, int count) throws IOException {
        long pages = Files.size(file) / PAGE;
        byte[] junk = new byte[count * PAGE];
        new Random(11).nextBytes(junk);
        try (var f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(pages / 2 * PAGE);
            f.write(junk);
        }
    }

    /**
     * Rewrites the one stored copy of {@code key} in a leaf page, changing its second byte to
     * 'z': a key of the same length, so every page stays well-formed, that sorts after every key
     * sharing its first segment. The key order is broken: this is the damage that made a range
     * scan end early with no error. Returns how many leaf cells were rewritten (1 if the key is stored once).
     */
    public static int garbleKeyToSortHigh(Path file, byte[] key) throws IOException {
        byte[] to = key.clone();
        to[1] = 'z';
        byte[] all = Files.readAllBytes(file);
        int rewritten = 0;
        for (int page = PAGE; page < all.length; page += PAGE) {
            if (all[page] != INDEX_LEAF) continue;
            for (int at = page; at <= page + PAGE - key.length; at++) {
                if (Arrays.equals(all, at, at + key.length, key, 0, key.length)) {
                    System.arraycopy(to, 0, all, at, to.length);
                    rewritten++;
                }
            }
        }
        try (var f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(all);
        }
        return rewritten;
    }
}
