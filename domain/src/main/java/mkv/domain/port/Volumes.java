package mkv.domain.port;

import mkv.domain.BlobWrite;
import mkv.domain.Checksum;
import mkv.domain.SidecarRead;
import mkv.domain.Stat;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;
import mkv.domain.VolumeMark;
import io.vavr.collection.Seq;
import mkv.domain.BlobPath;
import mkv.domain.ClusterId;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Sidecar;
import mkv.domain.TempFile;
import mkv.domain.Volume;

/**
 * The nginx volumes, seen as blob and sidecar files under a key's blob path. Each generation of
 * a key has its own path ({@link BlobPath}); a sidecar names its own generation.
 */
public interface Volumes {

    /**
     * Streams {@code body} to the blob path of every target at once, computing its md5 on the
     * way; memory does not grow with the body's size. Never throws for a volume's failure.
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

    /** Whether the volume answers at all: for the health checker. */
    Transfer ping(Volume volume);

    /**
     * One folder of a volume ({@code /}, {@code /sv00/}, {@code /sv00/ab/}, ...): for the admin
     * tools' walks. A folder that does not exist is empty, not a failure.
     */
    Listing list(Volume volume, String folder);

    /** Reads and decodes the sidecar at {@code path} on this volume: rebuild and verify. */
    SidecarRead readSidecar(Volume volume, BlobPath path);

    /**
     * Copies the blob of {@code sidecar.key()} at {@code sidecar.generation()} from one replica to another as a stream through
     * bounded buffers, checks the bytes that arrived against the sidecar's size and md5, then
     * writes the sidecar. A copy that does not match is deleted again and reported as a
     * {@link VolumeFailure.Mismatch}; the sidecar is only written beside a good blob.
     */
    Transfer copy(Replica from, Replica to, Sidecar sidecar, String requestId);

    /** Reads the whole blob, computing its md5 on the way; memory does not grow with its size. */
    Checksum checksum(Replica replica, Key key, long generation);

    /** Deletes the sidecar and then the blob at {@code path}, whatever key they belong to: orphans. */
    Transfer deleteFiles(Volume volume, BlobPath path, String requestId);

    /** Reads the volume's cluster marker: whose volume it is, if anyone's. */
    VolumeMark readMark(Volume volume);

    /** Writes the cluster marker: the volume now belongs to {@code cluster}. */
    Transfer writeMark(Volume volume, ClusterId cluster, String requestId);

    /** Deletes a temp file nginx left; one already gone counts as done. Never touches a blob: see {@link TempFile}. */
    Transfer deleteTemp(Volume volume, TempFile file, String requestId);

    /** Volume URL of the key's blob on this replica, for redirects. */
    String url(Replica replica, Key key, long generation);
}
