package mkv.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mkv.adapter.nginx.NginxVolumes;
import mkv.adapter.nginx.SigningKeys;
import mkv.adapter.nginx.UrlSigner;
import mkv.domain.Key;
import mkv.domain.Replica;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** The 302's Location as a GET builds it ({@code NginxVolumes.url}), signed and unsigned: what signing adds to the hot path. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RedirectUrlBenchmark {

    @Param({"true", "false"})
    boolean signed;

    private NginxVolumes volumes;
    private Key[] keys;
    private Replica replica;
    private int next;

    @Setup
    public void setUp() {
        UrlSigner signer = signed
                ? new UrlSigner(SigningKeys.parse("k1 " + "0123456789abcdefABCDEF0123456789abcdefABCD").get())
                : UrlSigner.UNSIGNED;
        volumes = new NginxVolumes(NginxVolumes.Options.defaults(),
                new NginxVolumes.Signing(signer, java.time.Clock.systemUTC(), Duration.ofHours(1)));
        keys = new Key[1024];
        // url() hashes the key (SHA-256) in both cases, as on the GET path.
        for (int i = 0; i < keys.length; i++) keys[i] = new Key("/bench/key-" + i);
        replica = new Replica(new Volume("vol1.example", 3001), 0);
    }

    @TearDown
    public void tearDown() {
        volumes.close();
    }

    @Benchmark
    public String url() {
        return volumes.url(replica, keys[next++ & (keys.length - 1)], 1_796_051_517_021_176L);
    }
}
