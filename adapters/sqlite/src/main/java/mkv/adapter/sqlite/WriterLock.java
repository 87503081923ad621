package mkv.adapter.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import mkv.domain.port.IndexFailure;
import mkv.domain.port.IndexInUse;

/**
 * One writing process per index file: an exclusive OS lock on {@code INDEX.lock}, held for the
 * life of the process and freed by the kernel however it ends, kill -9 included. The lock is
 * on a file of its own, never on the index: SQLite's own locks are POSIX locks, which a
 * process loses when it closes any descriptor of the locked file. The file says who holds it
 * (pid, ports), so a second process can name the first.
 */
final class WriterLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private WriterLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static Path fileFor(Path index) {
        return index.resolveSibling(index.getFileName() + ".lock");
    }

    /** Takes the lock of {@code index} at once, or throws {@link IndexInUse} naming the holder. */
    static WriterLock acquire(Path index) {
        Path file = fileFor(index.toAbsolutePath());
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this very process holds it already
            }
            if (lock == null) {
                channel.close();
                throw new IndexInUse("the index " + index + " is in use by another process (" + holder(file) + "; lock file " + file
                        + "): one index has one coordinator. Stop that process first, or give this one another --db.");
            }
            WriterLock held = new WriterLock(file, channel, lock);
            held.describe("starting");
            return held;
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw new IndexFailure("cannot lock the index " + index + " through " + file + ": " + e.getMessage(), e);
        }
    }

    /** Rewrites who holds the lock: this pid and what it does (e.g. its ports). */
    void describe(String what) {
        byte[] text = ("pid " + ProcessHandle.current().pid() + ", " + what + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text), 0);
        } catch (IOException e) {
            // The lock holds regardless; only the second process's message would be vaguer.
            System.getLogger(WriterLock.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot write the holder into " + file + ": " + e.getMessage());
        }
    }

    private static String holder(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "holder unknown" : text;
        } catch (IOException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    /** Frees the lock; the file stays, so the next holder's lock is on the same inode. */
    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel frees the lock; the kernel does it at exit anyway.
        }
    }
}
