package mkv.domain.fake;

import io.vavr.collection.HashSet;
import io.vavr.collection.Set;
import mkv.domain.Volume;
import mkv.domain.port.Health;
import mkv.domain.HealthSnapshot;

/** Health as the test says: every volume up and trusted until marked down or suspect. */
public final class FakeHealth implements Health {
    private Set<Volume> down = HashSet.empty();
    private Set<Volume> suspect = HashSet.empty();

    public synchronized FakeHealth down(Volume... volumes) {
        down = down.addAll(java.util.List.of(volumes));
        return this;
    }

    public synchronized FakeHealth up(Volume... volumes) {
        down = down.removeAll(java.util.List.of(volumes));
        suspect = suspect.removeAll(java.util.List.of(volumes));
        return this;
    }

    /** Up, but its latest probe failed. */
    public synchronized FakeHealth suspect(Volume... volumes) {
        suspect = suspect.addAll(java.util.List.of(volumes));
        return this;
    }

    @Override
    public synchronized HealthSnapshot snapshot() {
        return new HealthSnapshot(down, suspect);
    }
}
