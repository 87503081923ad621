package mkv.adapter.health;

import io.vavr.collection.HashSet;
import io.vavr.collection.Set;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import mkv.domain.Volume;
import mkv.domain.VolumeHealth;
import mkv.domain.port.Health;
import mkv.domain.HealthSnapshot;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;
import mkv.domain.port.Probe;

/**
 * Probes every volume in the background and publishes an immutable snapshot, so the
 * request path reads health without any IO. Transitions are logged. A probe is bounded by
 * the volumes' own probe timeout, so a hung volume costs one short wait per round and turns
 * suspect after its first missed probe. A volume that answers the signed probe with 403 refuses
 * mkv's signature (its secret file differs, or the clocks are too far apart): it is reported as
 * misconfigured, and counts as down like any volume whose probes fail, since it would refuse
 * every write and every redirect too.
 */
public final class VolumeHealthChecker implements Health, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VolumeHealthChecker.class.getName());

    private static final String REFUSED = "it refuses mkv's signed requests (403): its secret file differs from the coordinator's, "
            + "or the clocks are more than a minute apart; it counts as down until that is fixed";

    /** How often to probe, and how many probes in a row it takes to change a volume's state. */
    public record Options(Duration interval, int failuresBeforeDown, int successesBeforeUp) {
        public Options {
            if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("health interval must be positive");
            if (failuresBeforeDown < 1 || successesBeforeUp < 1) throw new IllegalArgumentException("health thresholds must be at least 1");
        }
    }

    private final Probe probe;
    private final Supplier<? extends Iterable<Volume>> watched;
    private final Options options;
    private final Map<Volume, VolumeHealth> states = new HashMap<>(); // only the checker thread touches it
    private volatile HealthSnapshot snapshot = HealthSnapshot.allUp();
    private Periodic probes;
    private final java.util.concurrent.ConcurrentHashMap<Volume, Failure> lastFailures = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.util.Set<Volume> misconfigured = java.util.Set.of();

    public VolumeHealthChecker(Probe probe, Supplier<? extends Iterable<Volume>> watched, Options options) {
        this.probe = probe;
        this.watched = watched;
        this.options = options;
    }

    /** Runs one round of probes now (so the first snapshot is real), then keeps probing. */
    public VolumeHealthChecker start() {
        probeAll(true);
        probes = Periodic.every(options.interval(), "mkv-health", () -> probeAll(false));
        return this;
    }

    /** A probe that failed: when, and why, as the status page shows it. */
    public record Failure(java.time.Instant at, String why) {}

    /** The number of the probe round each volume last answered (only the probing thread writes it). */
    private final Map<Volume, Long> answered = new HashMap<>();
    private long round;

    /** The latest failed probe of each watched volume, if any failed since the start. */
    public java.util.Map<Volume, Failure> lastFailures() {
        return java.util.Map.copyOf(lastFailures);
    }

    /** The volumes whose latest probe was refused as unsigned or wrongly signed (403). */
    public java.util.Set<Volume> misconfigured() {
        return misconfigured;
    }

    @Override
    public HealthSnapshot snapshot() {
        return snapshot;
    }

    /** Probes every watched volume in parallel; a hung volume costs one timeout, not one per volume. */
    private void probeAll(boolean first) {
        Map<Volume, Boolean> results = new HashMap<>();
        java.util.Set<Volume> refusing = new java.util.HashSet<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<Volume, Future<Transfer>> pending = new HashMap<>();
            for (Volume v : watched.get()) pending.put(v, pool.submit(() -> probe.ping(v)));
            for (var p : pending.entrySet()) {
                boolean ok;
                try {
                    Transfer t = p.getValue().get();
                    ok = t.ok();
                    if (t instanceof Transfer.Failed f) {
                        boolean refused = f.failure() instanceof VolumeFailure.Refused r && r.status() == 403;
                        if (refused) refusing.add(p.getKey());
                        lastFailures.put(p.getKey(), new Failure(java.time.Instant.now(), refused ? REFUSED : f.failure().describe()));
                    }
                } catch (Exception e) {
                    ok = false;
                    lastFailures.put(p.getKey(), new Failure(java.time.Instant.now(), String.valueOf(e.getMessage())));
                }
                results.put(p.getKey(), ok);
            }
        }
        round++;
        for (var r : results.entrySet()) if (r.getValue()) answered.put(r.getKey(), round);
        answered.keySet().retainAll(results.keySet());
        for (Volume v : refusing) {
            if (!misconfigured.contains(v)) LOG.log(System.Logger.Level.WARNING, "volume " + v + " is misconfigured: " + REFUSED);
        }
        for (Volume v : misconfigured) {
            if (!refusing.contains(v) && results.containsKey(v)) LOG.log(System.Logger.Level.INFO, "volume " + v + " accepts mkv's signature again");
        }
        misconfigured = java.util.Set.copyOf(refusing);
        states.keySet().retainAll(results.keySet());
        lastFailures.keySet().retainAll(results.keySet());
        Set<Volume> down = HashSet.empty();
        Set<Volume> suspect = HashSet.empty();
        for (var r : results.entrySet()) {
            Volume v = r.getKey();
            VolumeHealth before = states.get(v);
            VolumeHealth after = before == null || first ? VolumeHealth.initially(r.getValue())
                    : before.after(r.getValue(), options.failuresBeforeDown(), options.successesBeforeUp());
            if (before == null ? !after.up() : before.up() != after.up()) {
                LOG.log(after.up() ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                        "volume " + v + " is now " + (after.up() ? "up" : "down"));
            }
            states.put(v, after);
            if (!after.up()) down = down.add(v);
            if (after.suspect()) suspect = suspect.add(v);
        }
        snapshot = new HealthSnapshot(down, suspect, io.vavr.collection.HashMap.ofAll(answered));
    }

    @Override
    public void close() {
        if (probes != null) probes.close();
    }
}
