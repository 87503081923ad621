package mkv.domain.port;

import io.vavr.collection.HashSet;
import io.vavr.collection.Set;
import mkv.domain.Volume;

/**
 * Which volumes are down at one moment. A volume the checker does not watch counts as up:
 * the snapshot only ever withholds volumes it has evidence against.
 */
public record HealthSnapshot(Set<Volume> down) {

    public static HealthSnapshot allUp() {
        return new HealthSnapshot(HashSet.empty());
    }

    public boolean isUp(Volume v) {
        return !down.contains(v);
    }
}
