package mkv.domain.flow;

import mkv.domain.BlobCopy;
import mkv.domain.BlobPath;
import mkv.domain.CopyVerdict;
import mkv.domain.Replica;
import mkv.domain.Sidecar;
import mkv.domain.Transfer;
import mkv.domain.port.Blobs;
import mkv.domain.port.Volumes;

/** Copies one replica of a value to another volume, blob then sidecar; a rebalance's move and verify's repair share it. */
public final class Copies {
    private Copies() {}

    /**
     * Done when {@code to} holds the value {@code sidecar} describes, blob and sidecar; otherwise
     * the failure, naming the replica at fault, and {@code to} holds no sidecar of it.
     */
    public static Transfer copy(Blobs blobs, Volumes volumes, Replica from, Replica to, Sidecar sidecar, String requestId) {
        // 1. Stream the blob through bounded buffers; the volumes report what arrived.
        BlobCopy copied = volumes.copy(from, to, sidecar.key(), sidecar.generation(), requestId);
        // 2. Judge it against the sidecar (pure); bytes that are not the value are deleted again.
        switch (CopyVerdict.of(from, copied, sidecar)) {
            case CopyVerdict.Failed f -> {
                return f.why();
            }
            case CopyVerdict.Discard d -> {
                blobs.remove(to, sidecar.key(), sidecar.generation(), BlobPath.Part.BLOB, requestId);
                return d.why();
            }
            case CopyVerdict.Keep k -> {}
        }
        // 3. Read the stored size back, and only then write the sidecar beside the blob.
        var unlike = CopyVerdict.readBack(to, blobs.stat(to, sidecar.key(), sidecar.generation()), sidecar);
        return unlike.isDefined() ? unlike.get() : blobs.writeSidecar(to, sidecar, requestId);
    }
}
