package mkv.adapter.metrics;

import io.vavr.collection.Seq;
import mkv.domain.BlobPath;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Sidecar;
import mkv.domain.TempFile;
import mkv.domain.Volume;
import mkv.domain.BlobWrite;
import mkv.domain.port.Body;
import mkv.domain.Checksum;
import mkv.domain.port.Listing;
import mkv.domain.SidecarRead;
import mkv.domain.Stat;
import mkv.domain.Transfer;
import mkv.domain.port.Volumes;

/** Volumes that time every call by volume, operation and outcome, and count the bytes taken in. */
public final class MeteredVolumes implements Volumes {
    private final Volumes volumes;
    private final Telemetry telemetry;

    public MeteredVolumes(Volumes volumes, Telemetry telemetry) {
        this.volumes = volumes;
        this.telemetry = telemetry;
    }

    @Override
    public BlobWrite write(Key key, long generation, Seq<Replica> targets, Body body, String requestId) {
        long start = System.nanoTime();
        BlobWrite write = volumes.write(key, generation, targets, body, requestId);
        long took = System.nanoTime() - start;
        telemetry.bytesIn(write.size());
        write.transfers().forEach(t -> telemetry.volumeCall(t.replica().volume(), "write", outcome(t), took));
        return write;
    }

    @Override
    public Transfer writeSidecar(Replica replica, Sidecar sidecar, String requestId) {
        long start = System.nanoTime();
        Transfer t = volumes.writeSidecar(replica, sidecar, requestId);
        telemetry.volumeCall(replica.volume(), "write_sidecar", outcome(t), System.nanoTime() - start);
        return t;
    }

    @Override
    public Transfer remove(Replica replica, Key key, long generation, BlobPath.Part part, String requestId) {
        long start = System.nanoTime();
        Transfer t = volumes.remove(replica, key, generation, part, requestId);
        telemetry.volumeCall(replica.volume(), "delete", outcome(t), System.nanoTime() - start);
        return t;
    }

    @Override
    public Stat stat(Replica replica, Key key, long generation) {
        long start = System.nanoTime();
        Stat s = volumes.stat(replica, key, generation);
        String outcome = s instanceof Stat.Unknown u ? failure(u.failure()) : "ok";
        telemetry.volumeCall(replica.volume(), "stat", outcome, System.nanoTime() - start);
        return s;
    }

    @Override
    public Transfer ping(Volume volume) {
        long start = System.nanoTime();
        Transfer t = volumes.ping(volume);
        telemetry.volumeCall(volume, "ping", outcome(t), System.nanoTime() - start);
        return t;
    }

    @Override
    public Listing list(Volume volume, String folder) {
        long start = System.nanoTime();
        Listing l = volumes.list(volume, folder);
        telemetry.volumeCall(volume, "list", l instanceof Listing.Failed f ? failure(f.failure()) : "ok", System.nanoTime() - start);
        return l;
    }

    @Override
    public SidecarRead readSidecar(Volume volume, BlobPath path) {
        long start = System.nanoTime();
        SidecarRead r = volumes.readSidecar(volume, path);
        telemetry.volumeCall(volume, "read_sidecar", r instanceof SidecarRead.Failed f ? failure(f.failure()) : "ok", System.nanoTime() - start);
        return r;
    }

    @Override
    public Transfer copy(Replica from, Replica to, Sidecar sidecar, String requestId) {
        long start = System.nanoTime();
        Transfer t = volumes.copy(from, to, sidecar, requestId);
        telemetry.volumeCall(to.volume(), "copy", outcome(t), System.nanoTime() - start);
        return t;
    }

    @Override
    public Checksum checksum(Replica replica, Key key, long generation) {
        long start = System.nanoTime();
        Checksum c = volumes.checksum(replica, key, generation);
        telemetry.volumeCall(replica.volume(), "checksum", c instanceof Checksum.Unknown u ? failure(u.failure()) : "ok", System.nanoTime() - start);
        return c;
    }

    @Override
    public Transfer deleteFiles(Volume volume, BlobPath path, String requestId) {
        long start = System.nanoTime();
        Transfer t = volumes.deleteFiles(volume, path, requestId);
        telemetry.volumeCall(volume, "delete", outcome(t), System.nanoTime() - start);
        return t;
    }

    @Override
    public Transfer deleteTemp(Volume volume, TempFile file, String requestId) {
        long start = System.nanoTime();
        Transfer t = volumes.deleteTemp(volume, file, requestId);
        telemetry.volumeCall(volume, "delete", outcome(t), System.nanoTime() - start);
        return t;
    }

    @Override
    public String url(Replica replica, Key key, long generation) {
        return volumes.url(replica, key, generation);
    }

    @Override
    public mkv.domain.VolumeMark readMark(Volume volume) {
        return volumes.readMark(volume);
    }

    @Override
    public Transfer writeMark(Volume volume, mkv.domain.ClusterId cluster, String requestId) {
        return volumes.writeMark(volume, cluster, requestId);
    }

    private static String outcome(Transfer t) {
        return t instanceof Transfer.Failed f ? failure(f.failure()) : "ok";
    }

    private static String failure(mkv.domain.VolumeFailure f) {
        return switch (f) {
            case mkv.domain.VolumeFailure.Unreachable u -> "unreachable";
            case mkv.domain.VolumeFailure.Lost l -> "lost";
            case mkv.domain.VolumeFailure.TimedOut t -> "timed_out";
            case mkv.domain.VolumeFailure.Refused r -> "refused_" + r.status();
            case mkv.domain.VolumeFailure.ShortWrite s -> "short_write";
            case mkv.domain.VolumeFailure.Mismatch m -> "mismatch";
        };
    }
}
