package mkv.domain;

import java.time.Instant;

/**
 * The small record written beside each blob as {@code <digest>[.<g>].key}: enough to rebuild the
 * index from the volumes alone: md5, creation time, unlinked state and generation included.
 */
public record Sidecar(Key key, long size, Md5 md5, EntryState state, Instant created, long generation, int format) {

    /** The sidecar format this build writes (2: with the generation); rebuild reads 1 and 2, refuses newer ones. */
    public static final int FORMAT = 2;

    public Sidecar {
        if (key == null || md5 == null || state == null || created == null) throw new IllegalArgumentException("sidecar fields must not be null");
        if (size < 0) throw new IllegalArgumentException("negative size");
        if (state != EntryState.LIVE && state != EntryState.UNLINKED) throw new IllegalArgumentException("a sidecar is only written for LIVE or UNLINKED");
        if (generation < 0) throw new IllegalArgumentException("negative generation");
    }

    /** A sidecar of generation 0: a value written before generations. */
    public Sidecar(Key key, long size, Md5 md5, EntryState state, Instant created, int format) {
        this(key, size, md5, state, created, 0, format);
    }

    /** Where this sidecar and its blob live on a replica. */
    public BlobPath path(Replica replica) {
        return BlobPath.of(key, generation, replica);
    }

    /** The same facts, whatever format they were read from: a format-1 sidecar of generation 0 says what format 2 would. */
    public boolean sameFacts(Sidecar other) {
        return key.equals(other.key) && size == other.size && md5.equals(other.md5) && state == other.state
                && created.equals(other.created) && generation == other.generation;
    }
}
