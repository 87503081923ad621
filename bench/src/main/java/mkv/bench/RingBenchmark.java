package mkv.bench;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import java.util.concurrent.TimeUnit;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Ring;
import mkv.domain.Volume;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** {@code Ring.replicasFor} (3 replicas) on rings of 3, 10 and 100 volumes of 1024 virtual nodes each. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBenchmark {

    @Param({"3", "10", "100"})
    int volumes;

    private Ring ring;
    private Key[] keys;
    private int next;

    @Setup
    public void setUp() {
        List<Volume> vs = List.range(0, volumes).map(i -> new Volume("vol" + i + ".example", 80));
        ring = Ring.of(vs, Ring.DEFAULT_VNODES, 1);
        keys = new Key[1024];
        for (int i = 0; i < keys.length; i++) keys[i] = new Key("/bench/key-" + i);
    }

    /** Includes the key's SHA-256, as on the PUT path. */
    @Benchmark
    public Seq<Replica> replicasFor() {
        Key k = keys[next++ & (keys.length - 1)];
        return ring.replicasFor(k, 3);
    }

    /** The SHA-256 alone, to tell the hash from the ring walk. */
    @Benchmark
    public byte[] keyDigest() {
        return keys[next++ & (keys.length - 1)].digestBytes();
    }
}
