package mkv.domain.port;

import io.vavr.collection.HashSet;
import io.vavr.collection.Set;
import mkv.domain.Volume;

/**
 * Which volumes are down at one moment, and which are suspect: still up, but their latest
 * probe failed. Writes heed only {@code down}, which takes several failed probes in a row;
 * reads and rollbacks also steer clear of a suspect volume, which a single missed probe makes,
 * so a hung volume stops receiving reads after one probe instead of several read timeouts.
 * A volume the checker does not watch counts as up and trusted: the snapshot only ever
 * withholds volumes it has evidence against.
 */
public record HealthSnapshot(Set<Volume> down, Set<Volume> suspect) {

    public HealthSnapshot(Set<Volume> down) {
        this(down, HashSet.empty());
    }

    public static HealthSnapshot allUp() {
        return new HealthSnapshot(HashSet.empty());
    }

    public boolean isUp(Volume v) {
        return !down.contains(v);
    }

    /** Up, and its latest probe answered. */
    public boolean isTrusted(Volume v) {
        return isUp(v) && !suspect.contains(v);
    }
}
