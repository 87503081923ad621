package mkv.domain;

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
public record HealthSnapshot(Set<Volume> down, Set<Volume> suspect, io.vavr.collection.Map<Volume, Long> lastAnswered) {

    /**
     * {@code lastAnswered}: for each watched volume, the number of the latest probe round it
     * answered (higher is more recent). When every replica of a key is suspect — on a loaded
     * machine a healthy volume may miss a probe too — a read goes to the one that answered
     * most recently: a hung volume stopped answering first and stays behind.
     */
    public HealthSnapshot {
        if (down == null || suspect == null || lastAnswered == null) throw new IllegalArgumentException("health fields must not be null");
    }

    public HealthSnapshot(Set<Volume> down, Set<Volume> suspect) {
        this(down, suspect, io.vavr.collection.HashMap.empty());
    }

    public HealthSnapshot(Set<Volume> down) {
        this(down, HashSet.empty());
    }

    public static HealthSnapshot allUp() {
        return new HealthSnapshot(HashSet.empty());
    }

    public boolean isUp(Volume v) {
        return !down.contains(v);
    }

    /** The latest probe round the volume answered; a volume the checker does not number counts as answering now. */
    public long lastAnswered(Volume v) {
        return lastAnswered.get(v).getOrElse(Long.MAX_VALUE);
    }

    /** Up, and its latest probe answered. */
    public boolean isTrusted(Volume v) {
        return isUp(v) && !suspect.contains(v);
    }
}
