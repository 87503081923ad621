package mkv.adapter.nginx;

import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import mkv.domain.Md5;

/**
 * The md5 of a streamed body, computed on a virtual thread of its own from the same chunks
 * the uploads get, so hashing overlaps with reading the client's socket instead of
 * delaying it. Its queue is bounded like an upload's: memory does not grow with the body.
 */
final class Hasher {
    private static final BlobUpload.Chunk END = new BlobUpload.Chunk(new byte[0], 0);

    private final BlockingQueue<BlobUpload.Chunk> queue;
    private final CompletableFuture<Md5> digest = new CompletableFuture<>();

    private Hasher(int capacity) {
        queue = new ArrayBlockingQueue<>(capacity);
    }

    static Hasher start(int capacity) {
        Hasher h = new Hasher(capacity);
        Thread.ofVirtual().name("mkv-md5").start(h::run);
        return h;
    }

    private void run() {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (BlobUpload.Chunk c = queue.take(); c != END; c = queue.take()) md5.update(c.bytes(), 0, c.length());
            digest.complete(Md5.of(md5.digest()));
        } catch (Exception e) {
            digest.completeExceptionally(e);
        }
    }

    /** Hands one chunk over; waits only while the hasher is a queue's length behind. */
    void update(BlobUpload.Chunk chunk) throws InterruptedException {
        queue.put(chunk);
    }

    /** The md5 of every chunk handed over. */
    Md5 finish() throws InterruptedException {
        queue.put(END);
        try {
            return digest.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("md5 failed", e.getCause());
        }
    }
}
