package mkv.domain.port;

import io.vavr.collection.Seq;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Sidecar;
import mkv.domain.Volume;

/** The nginx volumes, seen as blob and sidecar files under a key's blob path. */
public interface Volumes {

    /**
     * Streams {@code body} to the blob path of every target at once, computing its md5 on the
     * way; memory does not grow with the body's size. Never throws for a volume's failure.
     */
    BlobWrite write(Key key, Seq<Replica> targets, Body body, String requestId);

    /** Writes (or overwrites) the sidecar beside the blob. */
    Transfer writeSidecar(Replica replica, Sidecar sidecar, String requestId);

    /** Deletes the blob and its sidecar; files already gone count as done. */
    Transfer delete(Replica replica, Key key, String requestId);

    /** The blob's size, if it is there. */
    Stat stat(Replica replica, Key key);

    /** Whether the volume answers at all: for the health checker. */
    Transfer ping(Volume volume);

    /** Volume URL of the key's blob on this replica, for redirects. */
    String url(Replica replica, Key key);
}
