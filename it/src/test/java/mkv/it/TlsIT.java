package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mkv.adapter.tls.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on real processes beyond the API (TlsApiIT): a volume whose certificate the CA did not sign
 * is never trusted, new certificates are served after SIGHUP by the coordinator's two ports and by
 * the volumes, {@code mkv volume} serves https and refuses a key that does not fit, and the admin
 * tools reach https volumes with {@code --tls-ca}.
 */
class TlsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static Http admin(Cluster cluster) {
        return new Http(cluster.adminBase(), Http.trusting(cluster.tls().ca().caCert()));
    }

    @Test
    void a_volume_whose_certificate_the_ca_did_not_sign_is_down_with_the_reason_and_a_put_on_it_answers_503_writing_nothing() throws IOException {
        TestCertificates rogue = TestCertificates.authority(dir.resolve("rogue"), "rogue");
        try (Cluster cluster = Cluster.startTls(dir.resolve("cluster"), 2, 2,
                (i, ca) -> i == 1 ? rogue.issue("vol1-rogue", 666) : ca.issue("vol" + i, 100 + i), "--allow-fresh-index")) {
            Http admin = admin(cluster);
            String stranger = cluster.volume(1).toString();
            Ports.await("the volume with the rogue certificate to be reported down", DEADLINE,
                    () -> OpsIT.metric(admin, "mkv_volume_up", "volume=\"" + stranger + "\"") == 0
                            && Http.text(admin.get("/metrics")).contains("mkv_volume_up{volume=\"" + stranger + "\"}"));
            assertThat(OpsIT.metric(admin, "mkv_volume_up", "volume=\"" + cluster.volume(0) + "\"")).isEqualTo(1);
            assertThat(Http.text(admin.get("/"))).contains(stranger).contains("TLS handshake failed");

            // Two replicas on two volumes: every key is placed on the stranger too.
            var put = cluster.http().put("/tls/refused", "never sent to an untrusted volume");
            assertThat(put.statusCode()).isEqualTo(503);
            assertThat(cluster.hasFiles("/tls/refused")).isFalse();
            try (Stream<Path> files = Files.walk(cluster.volumeData(1))) {
                assertThat(files.filter(Files::isRegularFile)).as("files on the untrusted volume").isEmpty();
            }
        }
    }

    @Test
    void after_sighup_both_coordinator_ports_and_a_volume_serve_their_new_certificates_and_traffic_goes_on() throws IOException {
        try (Cluster cluster = Cluster.startTls(dir.resolve("cluster"), 1, 1)) {
            Path ca = cluster.tls().ca().caCert();
            int volumePort = cluster.volumePorts.get(0);
            assertThat(Http.servedSerial(cluster.port, ca)).isEqualTo(BigInteger.valueOf(1000));
            assertThat(Http.servedSerial(cluster.adminPort, ca)).isEqualTo(BigInteger.valueOf(1000));
            assertThat(Http.servedSerial(volumePort, ca)).isEqualTo(BigInteger.valueOf(100));
            Http http = cluster.http();
            assertThat(http.put("/tls/before", "old certificates").statusCode()).isEqualTo(201);

            // Renewed in place: same files, new key and certificate.
            var renewed = cluster.tls().ca().issue("coordinator", 2000);
            assertThat(renewed.cert()).isEqualTo(cluster.tls().coordinator().cert());
            cluster.signalCoordinator("HUP");
            Ports.await("the data port to serve serial 2000", DEADLINE, () -> Http.servedSerial(cluster.port, ca).intValue() == 2000);
            Ports.await("the admin port to serve serial 2000", DEADLINE, () -> Http.servedSerial(cluster.adminPort, ca).intValue() == 2000);
            assertThat(cluster.log()).contains("reload: certificate re-read from " + renewed.cert() + " (serial 7d0");

            // A key that does not fit the certificate: the reload is refused, the served certificate stays.
            var stray = cluster.tls().ca().issue("stray", 3000);
            Files.copy(stray.key(), renewed.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            cluster.signalCoordinator("HUP");
            Ports.await("the reload with a stray key to be refused", DEADLINE, () -> cluster.log().contains("reload refused, the old settings stay: tls-key: "));
            assertThat(Http.servedSerial(cluster.port, ca)).isEqualTo(BigInteger.valueOf(2000));

            cluster.tls().ca().issue("vol0", 200);
            cluster.reloadVolume(0);
            Ports.await("the volume to serve serial 200", DEADLINE, () -> Http.servedSerial(volumePort, ca).intValue() == 200);

            assertThat(http.put("/tls/after", "new certificates").statusCode()).isEqualTo(201);
            assertThat(Http.text(http.read("/tls/after"))).isEqualTo("new certificates");
            assertThat(Http.text(http.read("/tls/before"))).isEqualTo("old certificates");
        }
    }

    @Test
    void mkv_volume_serves_https_passes_sighup_on_to_nginx_and_refuses_a_key_that_does_not_fit() throws Exception {
        try (Cluster cluster = Cluster.startTls(dir.resolve("cluster"), 1, 1)) {
            TestCertificates ca = cluster.tls().ca();
            var mine = ca.issue("standalone", 300);
            var other = ca.issue("other", 301);
            Path volume = dir.resolve("standalone");
            int port = Ports.free();

            String secret = cluster.secretFile().toString();
            Cluster.Run mismatched = cluster.mkv(DEADLINE, "volume", "--dir", volume.toString(), "--port", Integer.toString(port),
                    "--secret-file", secret, "--host", "127.0.0.1", "--tls-cert", mine.cert().toString(), "--tls-key", other.key().toString());
            assertThat(mismatched.exit()).isEqualTo(2);
            assertThat(mismatched.output()).contains("mkv volume: --tls-cert/--tls-key: " + other.key() + " does not fit " + mine.cert())
                    .doesNotContain("Exception");
            Cluster.Run halfway = cluster.mkv(DEADLINE, "volume", "--dir", volume.toString(), "--port", Integer.toString(port),
                    "--secret-file", secret, "--tls-cert", mine.cert().toString());
            assertThat(halfway.exit()).isEqualTo(2);
            assertThat(halfway.output()).contains("--tls-key: needed with --tls-cert");

            // Started as root, mkv volume wants an unprivileged account for nginx's workers.
            java.util.List<String> start = new java.util.ArrayList<>(java.util.List.of("volume", "--dir", volume.toString(), "--port", Integer.toString(port),
                    "--secret-file", secret, "--host", "127.0.0.1", "--tls-cert", mine.cert().toString(), "--tls-key", mine.key().toString()));
            if ("root".equals(System.getProperty("user.name"))) start.addAll(java.util.List.of("--user", "nobody"));
            Cluster.Started running = cluster.startMkv(start.toArray(String[]::new));
            try {
                Ports.await("mkv volume to listen (" + running.log() + ")", DEADLINE, () -> {
                    if (!running.process().isAlive()) throw new AssertionError("mkv volume exited: " + running.output());
                    return Ports.open(port);
                });
                assertThat(Http.servedSerial(port, ca.caCert())).isEqualTo(BigInteger.valueOf(300));
                var reply = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/")).GET());
                assertThat(reply.statusCode()).as("plain http on the https port").isEqualTo(400);

                ca.issue("standalone", 302);
                Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(running.process().pid())).inheritIO().start();
                assertThat(hup.waitFor(10, TimeUnit.SECONDS)).isTrue();
                Ports.await("mkv volume's nginx to serve serial 302", DEADLINE, () -> Http.servedSerial(port, ca.caCert()).intValue() == 302);
            } finally {
                stop(running, volume);
            }
        }
    }

    /** SIGTERM: mkv volume stops its nginx and exits; if it does not, both are killed by PID. */
    private static void stop(Cluster.Started running, Path volume) throws IOException, InterruptedException {
        running.process().destroy();
        boolean exited = running.process().waitFor(20, TimeUnit.SECONDS);
        Path pidFile = volume.resolve("run/nginx.pid");
        if (Files.exists(pidFile)) {
            long nginx = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
            ProcessHandle.of(nginx).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            });
        }
        running.kill();
        assertThat(exited).as("mkv volume stopped on SIGTERM").isTrue();
    }

    @Test
    void verify_reaches_https_volumes_with_tls_ca_and_says_clearly_when_it_is_missing() {
        try (Cluster cluster = Cluster.startTls(dir.resolve("cluster"), 2, 2)) {
            Http http = cluster.http();
            for (int i = 0; i < 10; i++) assertThat(http.put("/tls/verify/" + i, "value " + i).statusCode()).isEqualTo(201);
            String ca = cluster.tls().ca().caCert().toString();

            Cluster.Run clean = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(), "--tls-ca", ca);
            assertThat(clean.exit()).as(clean.output()).isEqualTo(0);
            assertThat(clean.output()).contains("findings: none");

            Cluster.Run noCa = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString());
            assertThat(noCa.exit()).isEqualTo(2);
            assertThat(noCa.output()).contains("--tls-ca: needed to verify the https volumes");

            Path rogue = TestCertificates.authority(dir.resolve("rogue"), "rogue").caCert();
            Cluster.Run untrusted = cluster.mkv(DEADLINE, "verify", "--volumes", cluster.volumeList(), "--db", cluster.db().toString(),
                    "--tls-ca", rogue.toString());
            assertThat(untrusted.exit()).as(untrusted.output()).isNotEqualTo(0);
            // Nothing could be checked, and it says so: every entry and listing is an error, none is passed as clean.
            assertThat(untrusted.output()).contains("unreachable: TLS handshake failed").contains("errors 22");
        }
    }
}
