package mkv.domain.port;

import io.vavr.collection.Seq;
import mkv.domain.BlobPath;
import mkv.domain.BlobWrite;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Sidecar;
import mkv.domain.SidecarRead;
import mkv.domain.Stat;
import mkv.domain.Transfer;
import mkv.domain.Volume;

/**
 * The data path to the volumes: a key's blob and sidecar on each of its replicas, as a request
 * writes them, recovery reads them back, and a redirect points at them. Each generation of a key
 * has its own path ({@link BlobPath}); a sidecar names its own generation. Never throws for a
 * volume's failure.
 */
public interface Blobs {

    /**
     * Streams {@code body} to the blob path of every target at once, computing its md5 on the
     * way; memory does not grow with the body's size.
     */
    BlobWrite write(Key key, long generation, Seq<Replica> targets, Body body, String requestId);

    /** Writes (or overwrites) the sidecar beside the blob. */
    Transfer writeSidecar(Replica replica, Sidecar sidecar, String requestId);

    /**
     * Deletes one of the two files of a key's generation on a replica; a file already gone counts
     * as done. Removing a value deletes every replica's blob before any sidecar (see
     * {@code StaleWrites}), so that a removal cut short leaves a sidecar without its blob, which a
     * rebuild reads as a removal under way, never a whole replica that looks like the value.
     */
    Transfer remove(Replica replica, Key key, long generation, BlobPath.Part part, String requestId);

    /**
     * Deletes one replica's sidecar, then its blob: a replica that stops being one of the value's
     * (a rebalance move, a copy that failed) and is cut short leaves a blob without a sidecar, an
     * orphan, never a sign that the value itself was being removed.
     */
    default Transfer delete(Replica replica, Key key, long generation, String requestId) {
        Transfer sidecar = remove(replica, key, generation, BlobPath.Part.SIDECAR, requestId);
        return sidecar.ok() ? remove(replica, key, generation, BlobPath.Part.BLOB, requestId) : sidecar;
    }

    /** The blob's size, if it is there. */
    Stat stat(Replica replica, Key key, long generation);

    /** Reads and decodes the sidecar at {@code path} on this volume. */
    SidecarRead readSidecar(Volume volume, BlobPath path);

    /** Volume URL of the key's blob on this replica, for redirects. */
    String url(Replica replica, Key key, long generation);
}
