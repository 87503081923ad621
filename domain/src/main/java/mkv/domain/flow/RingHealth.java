package mkv.domain.flow;

import io.vavr.collection.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import mkv.domain.Ring;
import mkv.domain.RingReading;
import mkv.domain.Volume;
import mkv.domain.HealthSnapshot;

/**
 * The volumes' state as an operator reads it: how many are up, which are down, and the
 * writable share of the ring. The share walks every virtual node, so it is kept until the ring,
 * the replica count or the set of down volumes changes, and a scrape usually costs a comparison.
 */
public final class RingHealth {

    private record Basis(Ring ring, int replicas, Set<Volume> down) {}

    private record Memo(Basis basis, double writable) {}

    private final Supplier<Policy> policy;
    private final Supplier<HealthSnapshot> health;
    private final AtomicReference<Memo> memo = new AtomicReference<>();

    public RingHealth(Supplier<Policy> policy, Supplier<HealthSnapshot> health) {
        this.policy = policy;
        this.health = health;
    }

    public RingReading read() {
        Policy p = policy.get();
        HealthSnapshot h = health.get();
        Set<Volume> down = p.ring().volumes().filter(v -> !h.isUp(v)).toSet();
        Basis basis = new Basis(p.ring(), p.replicas(), down);
        Memo m = memo.get();
        if (m == null || !m.basis().equals(basis)) {
            m = new Memo(basis, p.ring().shareWithAll(p.replicas(), v -> !down.contains(v)));
            memo.set(m);
        }
        int total = p.ring().volumes().size();
        return new RingReading(total - down.size(), total, p.ring().volumes().filter(down::contains).map(Volume::toString).toJavaList(), m.writable());
    }
}
