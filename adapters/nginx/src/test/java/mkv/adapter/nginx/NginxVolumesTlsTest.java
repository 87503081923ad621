package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.stream.Stream;
import mkv.adapter.tls.TestCertificates;
import mkv.adapter.tls.TlsFiles;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Volume;
import mkv.domain.port.Body;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;
import mkv.domain.port.VolumesContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NginxVolumes over https: the whole {@link VolumesContract} against real nginx volumes that speak
 * only TLS, verified against a CA of the test's own; and a volume whose certificate that CA did not
 * sign, or that speaks the other protocol than it is listed with, is never written to.
 */
class NginxVolumesTlsTest extends VolumesContract<NginxVolumes> {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    static Path root;

    private static final java.util.List<NginxVolumeProcess> processes = new ArrayList<>();
    private static NginxVolumeProcess stranger;
    private static NginxVolumeProcess plain;
    private static NginxVolumes volumes;
    private static int downPort;

    @BeforeAll
    static void start_tls_volumes() throws IOException {
        var ca = TestCertificates.authority(root.resolve("ca"), "trusted");
        var rogue = TestCertificates.authority(root.resolve("rogue"), "rogue");
        try {
            for (int i = 0; i < 3; i++) processes.add(start(root.resolve("vol" + i), Option.some(ca.issue("vol" + i, 100 + i))));
            stranger = start(root.resolve("stranger"), Option.some(rogue.issue("stranger", 666)));
            plain = start(root.resolve("plain"), Option.none());
            downPort = NginxVolumesTest.freePort();
        } catch (IOException | RuntimeException e) {
            stop_volumes();
            throw e;
        }
        VolumeList list = VolumeList.parse(List.of("https://" + volume(processes.get(0)), "https://" + volume(processes.get(1)),
                "https://" + volume(processes.get(2)), "https://" + volume(stranger), "https://" + volume(plain), "https://127.0.0.1:" + downPort)).get();
        volumes = new NginxVolumes(NginxVolumes.Options.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(10)),
                list, Option.some(TlsFiles.client(ca.caCert()).get()));
    }

    private static NginxVolumeProcess start(Path dir, Option<TestCertificates.Issued> cert) throws IOException {
        NginxConfig config = NginxConfig.of(dir, NginxVolumesTest.freePort(), ROOT ? io.vavr.control.Option.some(new WorkerUser("root", "root")) : io.vavr.control.Option.none());
        if (cert.isDefined()) config = config.withTls(new NginxConfig.Certificate(cert.get().cert(), cert.get().key()));
        return NginxVolumeProcess.start(config, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop_volumes() {
        if (volumes != null) volumes.close();
        for (NginxVolumeProcess process : processes) process.close();
        if (stranger != null) stranger.close();
        if (plain != null) plain.close();
    }

    private static Volume volume(NginxVolumeProcess process) {
        return new Volume("127.0.0.1", process.config().port());
    }

    @Override
    protected NginxVolumes volumes() {
        return volumes;
    }

    @Override
    protected Volume up(int i) {
        return volume(processes.get(i));
    }

    @Override
    protected String scheme() {
        return "https://";
    }

    @Override
    protected Volume down() {
        return new Volume("127.0.0.1", downPort);
    }

    @Test
    void urls_of_https_volumes_say_https() {
        Key key = new Key("/tls/url");
        assertThat(volumes.url(new Replica(up(0), 0), key, 3)).startsWith("https://127.0.0.1:" + up(0).port() + "/sv00/");
    }

    @Test
    void a_volume_whose_certificate_the_ca_did_not_sign_is_unreachable_and_gets_no_byte() throws IOException {
        Transfer ping = volumes.ping(volume(stranger));
        assertThat(ping).isInstanceOfSatisfying(Transfer.Failed.class, f -> assertThat(f.failure())
                .isInstanceOfSatisfying(VolumeFailure.Unreachable.class, u -> assertThat(u.detail()).startsWith("TLS handshake failed")));

        byte[] small = "secret".getBytes(StandardCharsets.UTF_8);
        byte[] large = new byte[300_000];
        for (byte[] value : java.util.List.of(small, large)) {
            var write = volumes.write(new Key("/tls/stranger/" + value.length), 1, List.of(new Replica(volume(stranger), 0)),
                    new Body(new ByteArrayInputStream(value), value.length), "req-stranger");
            assertThat(write.transfers()).singleElement().isInstanceOfSatisfying(Transfer.Failed.class,
                    f -> assertThat(f.failure()).isInstanceOf(VolumeFailure.Unreachable.class));
        }
        try (Stream<Path> files = Files.walk(stranger.config().dataRoot())) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void a_plain_http_volume_listed_as_https_fails_its_handshake() {
        assertThat(volumes.ping(volume(plain))).isInstanceOfSatisfying(Transfer.Failed.class,
                f -> assertThat(f.failure()).isInstanceOf(VolumeFailure.Unreachable.class));
    }

    @Test
    void an_https_volume_listed_as_plain_http_is_not_up() {
        try (var http = new NginxVolumes(NginxVolumes.Options.defaults())) {
            assertThat(http.ping(up(0))).isInstanceOfSatisfying(Transfer.Failed.class,
                    f -> assertThat(f.failure()).isEqualTo(new VolumeFailure.Refused(400)));
        }
    }
}
