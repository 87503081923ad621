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
import mkv.domain.Volume;
import mkv.domain.port.BlobWrite;
import mkv.domain.port.Body;
import mkv.domain.port.Stat;
import mkv.domain.port.Transfer;
import mkv.domain.port.VolumeFailure;
import mkv.domain.port.Volumes;

/**
 * Volumes in memory: records every call on every replica in order, keeps the files a real
 * volume would hold, and fails the calls a test names (by step number or by operation and
 * replica), so use-case tests can prove the order of effects.
 */
public final class FakeVolumes implements Volumes {

    public enum Op { WRITE, SIDECAR, DELETE }

    /** One call on one replica; a fan-out WRITE is one call per target, in target order. */
    public record Call(int step, Op op, Replica replica, Key key, Option<Sidecar> sidecar) {}

    private record File(Replica replica, Key key) {}

    private final java.util.List<Call> calls = new ArrayList<>();
    private final Set<String> failing = new HashSet<>();
    private final Set<Integer> failingSteps = new HashSet<>();
    private final Map<File, Long> blobs = new HashMap<>();
    private final Map<File, Sidecar> sidecars = new HashMap<>();
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

    public synchronized boolean holdsBlob(Replica replica, Key key) {
        return blobs.containsKey(new File(replica, key));
    }

    public synchronized Option<Sidecar> sidecar(Replica replica, Key key) {
        return Option.of(sidecars.get(new File(replica, key)));
    }

    /** Blobs and sidecars stored, all keys. */
    public synchronized int files() {
        return blobs.size() + sidecars.size();
    }

    /** Puts a file on a volume directly, as a previous write would have. */
    public synchronized void seed(Replica replica, Sidecar sidecar) {
        blobs.put(new File(replica, sidecar.key()), sidecar.size());
        sidecars.put(new File(replica, sidecar.key()), sidecar);
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

    @Override
    public BlobWrite write(Key key, Seq<Replica> targets, Body body, String requestId) {
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
            bodyError = Option.of(e.getMessage());
        }
        List<Transfer> transfers = List.empty();
        for (Replica r : targets) {
            boolean fails = call(Op.WRITE, r, key, Option.none());
            synchronized (this) {
                // A real volume keeps whatever arrived, even from a broken body: rollback must delete it.
                if (!fails) blobs.put(new File(r, key), size);
            }
            Transfer t = fails ? refused(r)
                    : bodyError.isDefined() ? new Transfer.Failed(r, new VolumeFailure.ShortWrite(body.length(), size))
                    : new Transfer.Done(r);
            transfers = transfers.append(t);
        }
        return new BlobWrite(transfers, size, Md5.of(md5.digest()), bodyError);
    }

    @Override
    public Transfer writeSidecar(Replica replica, Sidecar sidecar, String requestId) {
        if (call(Op.SIDECAR, replica, sidecar.key(), Option.of(sidecar))) return refused(replica);
        synchronized (this) {
            sidecars.put(new File(replica, sidecar.key()), sidecar);
        }
        return new Transfer.Done(replica);
    }

    @Override
    public Transfer delete(Replica replica, Key key, String requestId) {
        if (call(Op.DELETE, replica, key, Option.none())) return refused(replica);
        synchronized (this) {
            blobs.remove(new File(replica, key));
            sidecars.remove(new File(replica, key));
        }
        return new Transfer.Done(replica);
    }

    @Override
    public synchronized Stat stat(Replica replica, Key key) {
        Long size = blobs.get(new File(replica, key));
        return size == null ? new Stat.Missing() : new Stat.Present(size);
    }

    @Override
    public Transfer ping(Volume volume) {
        return new Transfer.Done(new Replica(volume, 0));
    }

    @Override
    public String url(Replica replica, Key key) {
        return "http://" + replica.volume() + BlobPath.of(key, replica).path();
    }
}
