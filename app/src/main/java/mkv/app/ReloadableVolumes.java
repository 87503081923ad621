package mkv.app;

import io.vavr.collection.Seq;
import java.util.concurrent.atomic.AtomicReference;
import mkv.adapter.nginx.NginxVolumes;
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

/**
 * The nginx volumes, swappable on a reload (new timeouts). A call in flight finishes on the
 * client it started with; the old client is closed once no call can still be using it.
 */
final class ReloadableVolumes implements Volumes, AutoCloseable {
    private final AtomicReference<NginxVolumes> current;

    ReloadableVolumes(NginxVolumes first) {
        current = new AtomicReference<>(first);
    }

    /** Puts {@code next} in place for new calls and returns the one it replaced, for the caller to retire. */
    NginxVolumes swap(NginxVolumes next) {
        return current.getAndSet(next);
    }

    @Override
    public BlobWrite write(Key key, long generation, Seq<Replica> targets, Body body, String requestId) {
        return current.get().write(key, generation, targets, body, requestId);
    }

    @Override
    public Transfer writeSidecar(Replica replica, Sidecar sidecar, String requestId) {
        return current.get().writeSidecar(replica, sidecar, requestId);
    }

    @Override
    public Transfer remove(Replica replica, Key key, long generation, BlobPath.Part part, String requestId) {
        return current.get().remove(replica, key, generation, part, requestId);
    }

    @Override
    public Stat stat(Replica replica, Key key, long generation) {
        return current.get().stat(replica, key, generation);
    }

    @Override
    public Transfer ping(Volume volume) {
        return current.get().ping(volume);
    }

    @Override
    public Listing list(Volume volume, String folder) {
        return current.get().list(volume, folder);
    }

    @Override
    public SidecarRead readSidecar(Volume volume, BlobPath path) {
        return current.get().readSidecar(volume, path);
    }

    @Override
    public Transfer copy(Replica from, Replica to, Sidecar sidecar, String requestId) {
        return current.get().copy(from, to, sidecar, requestId);
    }

    @Override
    public Checksum checksum(Replica replica, Key key, long generation) {
        return current.get().checksum(replica, key, generation);
    }

    @Override
    public Transfer deleteFiles(Volume volume, BlobPath path, String requestId) {
        return current.get().deleteFiles(volume, path, requestId);
    }

    @Override
    public Transfer deleteTemp(Volume volume, TempFile file, String requestId) {
        return current.get().deleteTemp(volume, file, requestId);
    }

    @Override
    public String url(Replica replica, Key key, long generation) {
        return current.get().url(replica, key, generation);
    }

    @Override
    public mkv.domain.VolumeMark readMark(Volume volume) {
        return current.get().readMark(volume);
    }

    @Override
    public Transfer writeMark(Volume volume, mkv.domain.ClusterId cluster, String requestId) {
        return current.get().writeMark(volume, cluster, requestId);
    }

    @Override
    public void close() {
        current.get().close();
    }
}
