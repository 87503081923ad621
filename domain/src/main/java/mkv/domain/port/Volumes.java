package mkv.domain.port;

import mkv.domain.BlobCopy;
import mkv.domain.BlobPath;
import mkv.domain.Checksum;
import mkv.domain.ClusterId;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.TempFile;
import mkv.domain.Transfer;
import mkv.domain.Volume;
import mkv.domain.VolumeMark;

/**
 * The volumes as the admin tools see them, beyond one request's files: their folders, their
 * cluster markers, whole blobs read or streamed from one volume to another, and the files no row
 * names. Never throws for a volume's failure.
 */
public interface Volumes {

    /**
     * One folder of a volume ({@code /}, {@code /sv00/}, {@code /sv00/ab/}, ...): for the admin
     * tools' walks. A folder that does not exist is empty, not a failure.
     */
    Listing list(Volume volume, String folder);

    /** Reads the whole blob, computing its md5 on the way; memory does not grow with its size. */
    Checksum checksum(Replica replica, Key key, long generation);

    /**
     * Streams the blob of a key's generation from one replica to the same generation's path on
     * another, through bounded buffers, and reports what arrived there. It judges nothing and
     * writes no sidecar: whether the copy is the value is {@link mkv.domain.CopyVerdict}'s call.
     */
    BlobCopy copy(Replica from, Replica to, Key key, long generation, String requestId);

    /** Deletes the sidecar and then the blob at {@code path}, whatever key they belong to: orphans. */
    Transfer deleteFiles(Volume volume, BlobPath path, String requestId);

    /** Deletes a temp file nginx left; one already gone counts as done. Never touches a blob: see {@link TempFile}. */
    Transfer deleteTemp(Volume volume, TempFile file, String requestId);

    /** Reads the volume's cluster marker: whose volume it is, if anyone's. */
    VolumeMark readMark(Volume volume);

    /** Writes the cluster marker: the volume now belongs to {@code cluster}. */
    Transfer writeMark(Volume volume, ClusterId cluster, String requestId);
}
