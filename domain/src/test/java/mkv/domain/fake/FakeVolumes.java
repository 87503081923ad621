package mkv.domain.fake;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import mkv.domain.BlobPath;
import mkv.domain.Key;
import mkv.domain.Md5;
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
import mkv.domain.VolumeFailure;
import mkv.domain.port.Blobs;
import mkv.domain.port.Probe;
import mkv.domain.port.Volumes;
import mkv.domain.BlobCopy;

/**
 * Volumes in memory, in all three roles (data path, admin tools, probe): records every call on
 * every replica in order, keeps the files a real volume would hold, and fails the calls a test
 * names (by step number or by operation and replica), so use-case tests can prove the order of
 * effects. Held to the same {@link mkv.domain.port.VolumesContract} as the nginx volumes
 * ({@code FakeVolumesTest}).
 */
public final class FakeVolumes implements Blobs, Volumes, Probe {

    public enum Op { WRITE, SIDECAR, DELETE, COPY }

    /** One call on one replica; a fan-out WRITE is one call per target, in target order. */
    public record Call(int step, Op op, Replica replica, Key key, Option<Sidecar> sidecar) {}

    private record File(Replica replica, Key key, long generation) {
        BlobPath path() {
            return BlobPath.of(key, generation, replica);
        }
    }

    private final java.util.List<Call> calls = new ArrayList<>();
    private final Set<String> failing = new HashSet<>();
    private final Set<Integer> failingSteps = new HashSet<>();
    private final Map<File, Long> blobs = new HashMap<>();
    private final Map<File, Md5> md5s = new HashMap<>();
    private final Set<Volume> down = new HashSet<>();
    private final Map<File, Sidecar> sidecars = new HashMap<>();
    private final Map<Volume, mkv.domain.ClusterId> marks = new HashMap<>();
    private Consumer<Call> beforeEach = call -> {};

    /** Every {@code op} on {@code replica} fails. */
    public synchronized FakeVolumes failOn(Op op, Replica replica) {
        failing.add(op + " " + replica);
        return this;
    }

    /** The n-th call (1-based, counting every replica's call) fails. */
    public synchronized FakeVolumes failAtStep(int n) {
        failingSteps.add(n);
        return this;
    }

    /** Volumes recover: nothing fails any more. */
    public synchronized FakeVolumes heal() {
        failing.clear();
        failingSteps.clear();
        return this;
    }

    /** Runs before each call takes effect: to look at the index mid-flight, or to re-enter. */
    public synchronized FakeVolumes beforeEach(Consumer<Call> hook) {
        beforeEach = hook;
        return this;
    }

    public synchronized java.util.List<Call> calls() {
        return java.util.List.copyOf(calls);
    }

    public synchronized List<Op> ops() {
        return List.ofAll(calls).map(Call::op);
    }

    /** Whether the replica holds a blob of any generation of the key. */
    public synchronized boolean holdsBlob(Replica replica, Key key) {
        return blobs.keySet().stream().anyMatch(f -> f.replica().equals(replica) && f.key().equals(key));
    }

    public synchronized boolean holdsBlob(Replica replica, Key key, long generation) {
        return blobs.containsKey(new File(replica, key, generation));
    }

    /** The sidecar of the newest generation of the key on the replica. */
    public synchronized Option<Sidecar> sidecar(Replica replica, Key key) {
        return Option.ofOptional(sidecars.entrySet().stream().filter(e -> e.getKey().replica().equals(replica) && e.getKey().key().equals(key))
                .max(java.util.Comparator.comparingLong(e -> e.getKey().generation())).map(Map.Entry::getValue));
    }

    public synchronized Option<Sidecar> sidecar(Replica replica, Key key, long generation) {
        return Option.of(sidecars.get(new File(replica, key, generation)));
    }

    /** The generations of the key the replica holds a blob or sidecar of. */
    public synchronized io.vavr.collection.SortedSet<Long> generations(Replica replica, Key key) {
        return io.vavr.collection.TreeSet.ofAll(java.util.stream.Stream.concat(blobs.keySet().stream(), sidecars.keySet().stream())
                .filter(f -> f.replica().equals(replica) && f.key().equals(key)).map(File::generation).toList());
    }

    /** Blobs and sidecars stored, all keys. */
    public synchronized int files() {
        return blobs.size() + sidecars.size();
    }

    /** Puts a file on a volume directly, as a previous write would have. */
    public synchronized void seed(Replica replica, Sidecar sidecar) {
        File f = new File(replica, sidecar.key(), sidecar.generation());
        blobs.put(f, sidecar.size());
        md5s.put(f, sidecar.md5());
        sidecars.put(f, sidecar);
    }

    /** Puts only a blob on a volume, with no sidecar. */
    public synchronized void seedBlob(Replica replica, Key key, long size, Md5 md5) {
        blobs.put(new File(replica, key, 0), size);
        md5s.put(new File(replica, key, 0), md5);
    }

    /** Damages a stored blob of every generation of the key: same size, other bytes. */
    public synchronized void corrupt(Replica replica, Key key) {
        md5s.keySet().stream().filter(f -> f.replica().equals(replica) && f.key().equals(key)).toList()
                .forEach(f -> md5s.put(f, new Md5("0".repeat(32))));
    }

    /** Removes the blobs only (every generation of the key), as a disk that lost a file would. */
    public synchronized void loseBlob(Replica replica, Key key) {
        blobs.keySet().removeIf(f -> f.replica().equals(replica) && f.key().equals(key));
        md5s.keySet().removeIf(f -> f.replica().equals(replica) && f.key().equals(key));
    }

    /** Every call to this volume fails as unreachable. */
    public synchronized FakeVolumes down(Volume volume) {
        down.add(volume);
        return this;
    }

    /** Records the call and says whether it fails. */
    private boolean call(Op op, Replica replica, Key key, Option<Sidecar> sidecar) {
        Call c;
        synchronized (this) {
            c = new Call(calls.size() + 1, op, replica, key, sidecar);
            calls.add(c);
        }
        beforeEach.accept(c);
        synchronized (this) {
            return failingSteps.contains(c.step()) || failing.contains(op + " " + replica);
        }
    }

    private static Transfer.Failed refused(Replica r) {
        return new Transfer.Failed(r, new VolumeFailure.Refused(507));
    }

    private static Transfer.Failed unreachable(Replica r) {
        return new Transfer.Failed(r, new VolumeFailure.Unreachable("down"));
    }

    private synchronized boolean isDown(Volume volume) {
        return down.contains(volume);
    }

    @Override
    public BlobWrite write(Key key, long generation, Seq<Replica> targets, Body body, String requestId) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = 0;
        Option<String> bodyError = Option.none();
        try (InputStream in = body.stream()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; size += n) md5.update(buf, 0, n);
        } catch (IOException e) {
            // Never none: a body that broke without a message is still broken.
            bodyError = Option.of(e.getMessage() != null ? e.getMessage() : "body broke off after " + size + " bytes: " + e);
        }
        // As nginx: a body that does not match its declared length is a broken body.
        if (bodyError.isEmpty() && !body.chunked() && size != body.length()) {
            bodyError = Option.of("body of " + size + " bytes, declared " + body.length());
        }
        Md5 digest = Md5.of(md5.digest());
        List<Transfer> transfers = List.empty();
        for (Replica r : targets) {
            boolean fails = call(Op.WRITE, r, key, Option.none());
            boolean unreachable = isDown(r.volume());
            synchronized (this) {
                // The nginx adapter leaves nothing behind an abandoned upload, but the port does not
                // promise it (a lost connection may still land): the fake keeps what arrived, the
                // worst case, so rollback must delete it.
                if (!fails && !unreachable) {
                    blobs.put(new File(r, key, generation), size);
                    md5s.put(new File(r, key, generation), digest);
                }
            }
            Transfer t = fails ? refused(r)
                    : unreachable ? unreachable(r)
                    : bodyError.isDefined() ? new Transfer.Failed(r, new VolumeFailure.ShortWrite(body.length(), size))
                    : new Transfer.Done(r);
            transfers = transfers.append(t);
        }
        return new BlobWrite(transfers, size, digest, bodyError);
    }

    @Override
    public Transfer writeSidecar(Replica replica, Sidecar sidecar, String requestId) {
        if (call(Op.SIDECAR, replica, sidecar.key(), Option.of(sidecar))) return refused(replica);
        if (isDown(replica.volume())) return unreachable(replica);
        synchronized (this) {
            sidecars.put(new File(replica, sidecar.key(), sidecar.generation()), sidecar);
        }
        return new Transfer.Done(replica);
    }

    @Override
    public Transfer remove(Replica replica, Key key, long generation, BlobPath.Part part, String requestId) {
        if (call(Op.DELETE, replica, key, Option.none())) return refused(replica);
        if (isDown(replica.volume())) return unreachable(replica);
        synchronized (this) {
            if (part == BlobPath.Part.BLOB) {
                blobs.remove(new File(replica, key, generation));
                md5s.remove(new File(replica, key, generation));
            } else {
                sidecars.remove(new File(replica, key, generation));
            }
        }
        return new Transfer.Done(replica);
    }

    @Override
    public synchronized Stat stat(Replica replica, Key key, long generation) {
        if (down.contains(replica.volume())) return new Stat.Unknown(new VolumeFailure.Unreachable("down"));
        Long size = blobs.get(new File(replica, key, generation));
        return size == null ? new Stat.Missing() : new Stat.Present(size);
    }

    @Override
    public synchronized Transfer ping(Volume volume) {
        return down.contains(volume) ? new Transfer.Failed(new Replica(volume, 0), new VolumeFailure.Unreachable("down"))
                : new Transfer.Done(new Replica(volume, 0));
    }

    @Override
    public synchronized Listing list(Volume volume, String folder) {
        if (down.contains(volume)) return new Listing.Failed(new VolumeFailure.Unreachable("down"));
        java.util.TreeMap<String, Listing.Item> items = new java.util.TreeMap<>();
        java.util.List<java.util.Map.Entry<String, Long>> paths = new ArrayList<>();
        blobs.forEach((f, size) -> {
            if (f.replica().volume().equals(volume)) paths.add(Map.entry(f.path().path(), size));
        });
        sidecars.forEach((f, sc) -> {
            if (f.replica().volume().equals(volume)) paths.add(Map.entry(f.path().sidecarPath(), 50L));
        });
        for (var p : paths) {
            if (!p.getKey().startsWith(folder)) continue;
            String rest = p.getKey().substring(folder.length());
            int slash = rest.indexOf('/');
            String name = slash < 0 ? rest : rest.substring(0, slash);
            items.put(name, new Listing.Item(name, slash >= 0, slash >= 0 ? 0 : p.getValue(), java.time.Instant.EPOCH));
        }
        return new Listing.Found(List.ofAll(items.values()));
    }

    @Override
    public synchronized SidecarRead readSidecar(Volume volume, BlobPath path) {
        if (down.contains(volume)) return new SidecarRead.Failed(new VolumeFailure.Unreachable("down"));
        for (var e : sidecars.entrySet()) {
            File f = e.getKey();
            if (f.replica().volume().equals(volume) && f.path().equals(path)) return new SidecarRead.Found(e.getValue());
        }
        return new SidecarRead.Missing();
    }

    /** Streams as nginx does: the source is read first (its failures name it), then the target written; judges nothing. */
    @Override
    public BlobCopy copy(Replica from, Replica to, Key key, long generation, String requestId) {
        if (call(Op.COPY, to, key, Option.none())) return new BlobCopy.Failed(to, new VolumeFailure.Refused(507));
        synchronized (this) {
            File source = new File(from, key, generation);
            File target = new File(to, key, generation);
            if (down.contains(from.volume())) return new BlobCopy.Failed(from, new VolumeFailure.Unreachable("down"));
            if (!blobs.containsKey(source)) return new BlobCopy.Failed(from, new VolumeFailure.Refused(404));
            if (down.contains(to.volume())) return new BlobCopy.Failed(to, new VolumeFailure.Unreachable("down"));
            blobs.put(target, blobs.get(source));
            md5s.put(target, md5s.get(source));
            return new BlobCopy.Arrived(to, blobs.get(source), md5s.get(source));
        }
    }

    @Override
    public synchronized Checksum checksum(Replica replica, Key key, long generation) {
        if (down.contains(replica.volume())) return new Checksum.Unknown(new VolumeFailure.Unreachable("down"));
        File f = new File(replica, key, generation);
        return blobs.containsKey(f) ? new Checksum.Computed(blobs.get(f), md5s.get(f)) : new Checksum.Missing();
    }

    @Override
    public synchronized Transfer deleteFiles(Volume volume, BlobPath path, String requestId) {
        Replica replica = new Replica(volume, path.subvolume());
        if (down.contains(volume)) return unreachable(replica);
        blobs.keySet().removeIf(f -> f.path().equals(path) && f.replica().equals(replica));
        md5s.keySet().removeIf(f -> f.path().equals(path) && f.replica().equals(replica));
        sidecars.keySet().removeIf(f -> f.path().equals(path) && f.replica().equals(replica));
        return new Transfer.Done(replica);
    }

    /** The fake holds no temp files: deleting one finds it already gone. */
    @Override
    public synchronized Transfer deleteTemp(Volume volume, TempFile file, String requestId) {
        Replica replica = new Replica(volume, file.subvolume());
        return down.contains(volume) ? new Transfer.Failed(replica, new VolumeFailure.Unreachable("down")) : new Transfer.Done(replica);
    }

    @Override
    public String url(Replica replica, Key key, long generation) {
        return "http://" + replica.volume() + BlobPath.of(key, generation, replica).path();
    }

    @Override
    public synchronized mkv.domain.VolumeMark readMark(Volume volume) {
        if (down.contains(volume)) return new mkv.domain.VolumeMark.Failed(new VolumeFailure.Unreachable(volume + " is down"));
        mkv.domain.ClusterId id = marks.get(volume);
        return id == null ? new mkv.domain.VolumeMark.Blank() : new mkv.domain.VolumeMark.Stamped(id);
    }

    @Override
    public synchronized Transfer writeMark(Volume volume, mkv.domain.ClusterId cluster, String requestId) {
        if (down.contains(volume)) return new Transfer.Failed(new Replica(volume, 0), new VolumeFailure.Unreachable(volume + " is down"));
        marks.put(volume, cluster);
        return new Transfer.Done(new Replica(volume, 0));
    }
}
