package mkv.domain;

/**
 * What streaming a blob from one replica to another gave: the bytes that arrived, or the replica
 * that failed. Nothing here says whether the copy is the value: {@link CopyVerdict} does.
 */
public sealed interface BlobCopy {

    /** Every byte the source sent landed at the target's path: how many, and their md5. */
    record Arrived(Replica to, long size, Md5 md5) implements BlobCopy {}

    /**
     * The source could not be read whole, or the target did not take the bytes: {@code replica}
     * is the one that failed. Nothing whole landed, though a target that lost its connection may
     * still hold a part.
     */
    record Failed(Replica replica, VolumeFailure failure) implements BlobCopy {}
}
