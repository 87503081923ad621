package mkv.domain;

import java.time.Instant;

/**
 * The small record written beside each blob as {@code <digest>.key}: enough to rebuild the
 * index from the volumes alone: md5, creation time and unlinked state included.
 */
public record Sidecar(Key key, long size, Md5 md5, EntryState state, Instant created, int format) {

    /** The sidecar format this build writes; rebuild reads this one and refuses newer ones. */
    public static final int FORMAT = 1;

    public Sidecar {
        if (key == null || md5 == null || state == null || created == null) throw new IllegalArgumentException("sidecar fields must not be null");
        if (size < 0) throw new IllegalArgumentException("negative size");
        if (state == EntryState.WRITING) throw new IllegalArgumentException("a sidecar is only written for LIVE or UNLINKED");
    }
}
