package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secret changed on real processes: a coordinator whose secret the volumes do not share
 * reports them misconfigured (log, metrics, status page) instead of up; and a rotation with two
 * keys, done as docs/SECURITY.md says, never refuses a request nor a URL handed out before it.
 */
class KeyRotationIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String NEW = "k2 newnewnewnewnewnewnewnewnewnewnew0";

    @TempDir
    Path dir;

    @Test
    void a_coordinator_with_another_secret_reports_the_volumes_misconfigured_not_up() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 2, 2)) {
            String old = Files.readString(cluster.secretFile());
            Http admin = new Http(cluster.adminBase());
            assertThat(OpsIT.metric(admin, "mkv_volume_misconfigured", "volume=\"" + cluster.volume(0) + "\"")).isZero();
            // The coordinator re-reads its secret file on SIGHUP; the volumes keep the key they started with.
            Files.writeString(cluster.secretFile(), "k9 wrongwrongwrongwrongwrongwrong0\n");
            cluster.signalCoordinator("HUP");
            Ports.await("the volumes to be reported misconfigured", DEADLINE,
                    () -> OpsIT.metric(admin, "mkv_volume_misconfigured", "volume=\"" + cluster.volume(0) + "\"") == 1
                            && OpsIT.metric(admin, "mkv_volume_up", "volume=\"" + cluster.volume(1) + "\"") == 0);
            assertThat(cluster.log()).contains("volume " + cluster.volume(0) + " is misconfigured: it refuses mkv's signed requests (403)");
            assertThat(Http.text(admin.get("/"))).contains("MISCONFIGURED");
            Http api = new Http(cluster.base());
            assertThat(api.put("/rot/refused", "x").statusCode()).as("nothing written to a volume that refuses us").isEqualTo(503);
            // Put right, the volumes come back.
            Files.writeString(cluster.secretFile(), old);
            cluster.signalCoordinator("HUP");
            Ports.await("the volumes to be up again", DEADLINE,
                    () -> OpsIT.metric(admin, "mkv_volume_misconfigured", "volume=\"" + cluster.volume(0) + "\"") == 0
                            && OpsIT.metric(admin, "mkv_volume_up", "volume=\"" + cluster.volume(1) + "\"") == 1);
            assertThat(api.put("/rot/fine", "x").statusCode()).isEqualTo(201);
        }
    }

    @Test
    void a_rotation_with_two_keys_keeps_every_request_and_every_url_working() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 2, 2)) {
            Http api = new Http(cluster.base());
            String old = Files.readString(cluster.secretFile()).lines().filter(l -> l.startsWith("k1 ")).findFirst().orElseThrow();
            assertThat(api.put("/rot/before", "before").statusCode()).isEqualTo(201);
            String oldUrl = location(api, "/rot/before");
            assertThat(oldUrl).contains("kid=k1");

            // 1. Volumes learn the new key second (the coordinator still signs with k1), one restart at a time.
            cluster.rewriteSecret(old + "\n" + NEW + "\n");
            for (int i = 0; i < 2; i++) {
                cluster.stopVolume(i);
                cluster.startVolume(i);
            }
            cluster.signalCoordinator("HUP");
            assertThat(read(oldUrl)).isEqualTo(200);

            // 2. The coordinator signs with the new key; URLs it gave out before still read.
            cluster.rewriteSecret(NEW + "\n" + old + "\n");
            cluster.signalCoordinator("HUP");
            Ports.await("redirects signed with k2", DEADLINE, () -> location(api, "/rot/before").contains("kid=k2"));
            assertThat(read(oldUrl)).as("a k1 URL from before").isEqualTo(200);
            assertThat(api.put("/rot/during", "during").statusCode()).isEqualTo(201);
            assertThat(api.read("/rot/during").body()).isEqualTo("during".getBytes());
            Cluster.Run verify = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(), "--grace", "1h");
            assertThat(verify.exit()).as(verify.output()).isZero();

            // 3. Once url-ttl has passed, the old key goes: its URLs are refused, everything else works.
            cluster.rewriteSecret(NEW + "\n");
            for (int i = 0; i < 2; i++) {
                cluster.stopVolume(i);
                cluster.startVolume(i);
            }
            cluster.signalCoordinator("HUP");
            assertThat(read(oldUrl)).as("a k1 URL after k1 was retired").isEqualTo(403);
            assertThat(api.read("/rot/before").body()).isEqualTo("before".getBytes());
            assertThat(api.put("/rot/after", "after").statusCode()).isEqualTo(201);
            assertThat(cluster.log()).doesNotContain("misconfigured");
        }
    }

    private static String location(Http api, String key) {
        return api.get(key).headers().firstValue("Location").orElseThrow();
    }

    private static int read(String url) {
        return Http.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).GET()).statusCode();
    }
}
