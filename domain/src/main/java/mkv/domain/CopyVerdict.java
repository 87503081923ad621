package mkv.domain;

import io.vavr.control.Option;

/**
 * Whether a blob streamed from one replica to another is the value its sidecar describes, and so
 * what follows: a sidecar is written only beside a copy whose size and md5 both match, and a copy
 * that does not match is deleted again, so that it never looks like a replica of the value.
 */
public sealed interface CopyVerdict {

    /** The bytes that arrived are the sidecar's: read the copy back, then write the sidecar beside it. */
    record Keep() implements CopyVerdict {}

    /** The bytes that arrived are not the value: delete the copy's blob, and report {@code why}. */
    record Discard(Transfer.Failed why) implements CopyVerdict {}

    /** Nothing whole arrived: report {@code why}; no sidecar was written, and nothing is deleted. */
    record Failed(Transfer.Failed why) implements CopyVerdict {}

    /**
     * Pure. The source streamed whole but with another size than the sidecar's is the source's
     * mismatch (it holds another value); the right size with another md5 is the copy's.
     */
    static CopyVerdict of(Replica from, BlobCopy copy, Sidecar sidecar) {
        return switch (copy) {
            case BlobCopy.Failed f -> new Failed(new Transfer.Failed(f.replica(), f.failure()));
            case BlobCopy.Arrived a when a.size() != sidecar.size() -> new Discard(new Transfer.Failed(from,
                    new VolumeFailure.Mismatch("source holds " + a.size() + " bytes, the index says " + sidecar.size())));
            case BlobCopy.Arrived a when !a.md5().equals(sidecar.md5()) -> new Discard(new Transfer.Failed(a.to(),
                    new VolumeFailure.Mismatch("copied bytes have md5 " + a.md5() + ", the index says " + sidecar.md5())));
            case BlobCopy.Arrived a -> new Keep();
        };
    }

    /**
     * Pure. What reading a kept copy back says: none when the target stores the sidecar's size,
     * else a mismatch of the target, and the sidecar is not written.
     */
    static Option<Transfer.Failed> readBack(Replica to, Stat stored, Sidecar sidecar) {
        return stored instanceof Stat.Present p && p.size() == sidecar.size() ? Option.none()
                : Option.some(new Transfer.Failed(to, new VolumeFailure.Mismatch("the copy does not read back with " + sidecar.size() + " bytes")));
    }
}
