package mkv.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mkv.adapter.nginx.NginxVolumeProcess;
import mkv.adapter.tls.TestCertificates;
import mkv.adapter.nginx.SigningKeys;
import mkv.adapter.nginx.UrlSigner;
import mkv.domain.Key;
import mkv.domain.Replica;
import mkv.domain.Ring;
import mkv.domain.Volume;

/**
 * A real cluster for one test class: nginx volumes on free loopback ports and a coordinator
 * running as its own JVM from the built jar, all inside one temporary folder, every process
 * stopped by PID in {@link #close()} whatever happened. Signed, as a cluster runs by default:
 * the volumes accept only requests signed with {@link #secretFile()}, which the coordinator and
 * every admin tool run through {@link #mkv} are given.
 */
final class Cluster implements AutoCloseable {
    final Path root;
    final List<Integer> volumePorts = new ArrayList<>();
    private final List<NginxVolumeProcess> volumes = new ArrayList<>();
    final int port;
    private final List<String> extraArgs;
    private final String heap;
    private Process coordinator;
    final int replicas;
    /** The ports of the volumes the coordinator is started with. */
    private List<Integer> served;
    private int runs;
    private final boolean placementFlags;

    final int adminPort;
    /** The keys the volumes accept; the first signs. */
    private io.vavr.control.Option<SigningKeys> keys;
    /** The admin tools that talk to volumes, and so are given the secret file. */
    private static final java.util.Set<String> SIGNING_TOOLS = java.util.Set.of("rebuild", "verify", "rebalance", "server");

    /** The secret file the cluster shares: one random key, as 'mkv dev' makes it, readable by its owner alone. */
    Path secretFile() {
        return root.resolve("secret");
    }

    private static io.vavr.control.Option<SigningKeys> writeSecret(Path root) {
        try {
            Files.createDirectories(root);
            Path file = root.resolve("secret");
            if (!Files.exists(file)) {
                Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, SigningKeys.generate(new java.security.SecureRandom()));
            }
            return io.vavr.control.Option.some(SigningKeys.read(file).get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the secret file with these lines and the keys the volumes accept; the volumes take
     * them at their next start, the coordinator at its next start or SIGHUP.
     */
    void rewriteSecret(String lines) {
        try {
            Files.writeString(secretFile(), lines);
            keys = io.vavr.control.Option.some(SigningKeys.read(secretFile()).get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A URL of volume {@code i} signed with the cluster's signing key for {@code method}, valid for a minute. */
    String signedUrl(String method, int i, String path) {
        return signedUrl(method, i, path, System.currentTimeMillis() / 1000 + 60);
    }

    /** A URL of volume {@code i} signed with the cluster's signing key for {@code method}, valid until {@code expires}. */
    String signedUrl(String method, int i, String path, long expires) {
        return new UrlSigner(keys.get()).sign(method, "http://127.0.0.1:" + volumePorts.get(i), path, expires);
    }

    /** TLS for a whole cluster: the CA every client trusts, the coordinator's certificate and each volume's by number. */
    record Tls(TestCertificates ca, TestCertificates.Issued coordinator, java.util.Map<Integer, TestCertificates.Issued> volumes) {}

    /** Null for a plain-http cluster. */
    private Tls tls;

    private Cluster(Path root, int volumeCount, int replicas, String heap, boolean placementFlags,
                    java.util.function.Function<Cluster, List<String>> extraArgs) {
        this.root = root;
        this.keys = writeSecret(root);
        this.replicas = replicas;
        this.heap = heap;
        this.port = Ports.free();
        this.adminPort = Ports.free();
        for (int i = 0; i < volumeCount; i++) volumePorts.add(Ports.free());
        this.placementFlags = placementFlags;
        this.served = new ArrayList<>(volumePorts);
        this.extraArgs = List.copyOf(extraArgs.apply(this));
        // A cluster whose coordinator runs --insecure has unsigned volumes too.
        if (this.extraArgs.contains("--insecure")) keys = io.vavr.control.Option.none();
    }

    /** A cluster whose volumes and replicas the caller passes itself (e.g. in a --config file it writes). */
    static Cluster startConfigured(Path root, int volumeCount, java.util.function.Function<Cluster, List<String>> args) {
        Cluster c = new Cluster(root, volumeCount, 0, "256m", false, args);
        return c.startAll();
    }

    String adminBase() {
        return scheme() + "127.0.0.1:" + adminPort;
    }

    /**
     * A cluster that speaks TLS everywhere: a CA of its own (in ROOT/tls), the coordinator's data and
     * admin ports on https with a certificate of serial 1000, and every volume on https with one of
     * serial 100 + its number, listed to the coordinator as https://; {@code volumeCert} may hand a
     * volume another certificate (one the CA did not sign).
     */
    static Cluster startTls(Path root, int volumeCount, int replicas,
                            java.util.function.BiFunction<Integer, TestCertificates, TestCertificates.Issued> volumeCert, String... extraArgs) {
        TestCertificates ca = TestCertificates.authority(root.resolve("tls"), "cluster");
        var volumes = new java.util.HashMap<Integer, TestCertificates.Issued>();
        for (int i = 0; i < volumeCount; i++) volumes.put(i, volumeCert.apply(i, ca));
        Tls tls = new Tls(ca, ca.issue("coordinator", 1000), volumes);
        List<String> args = new ArrayList<>(List.of("--tls-cert", tls.coordinator().cert().toString(),
                "--tls-key", tls.coordinator().key().toString(), "--tls-ca", ca.caCert().toString()));
        args.addAll(List.of(extraArgs));
        Cluster c = new Cluster(root, volumeCount, replicas, "256m", true, ignored -> args);
        c.tls = tls;
        return c.startAll();
    }

    /** {@link #startTls} with every volume's certificate signed by the cluster's CA. */
    static Cluster startTls(Path root, int volumeCount, int replicas, String... extraArgs) {
        return startTls(root, volumeCount, replicas, (i, ca) -> ca.issue("vol" + i, 100 + i), extraArgs);
    }

    /** The cluster's TLS, or null when it speaks plain http. */
    Tls tls() {
        return tls;
    }

    /** {@code https://} for a TLS cluster, else {@code http://}: the coordinator's and the volumes' scheme alike. */
    String scheme() {
        return tls == null ? "http://" : "https://";
    }

    /** Sends raw bytes to the coordinator's data port (over TLS in a TLS cluster) and reads the answer's first bytes. */
    String raw(String request) {
        return tls == null ? RawHttp.exchange(port, request)
                : RawHttp.exchange(Http.sslContext(tls.ca().caCert()).getSocketFactory(), port, request);
    }

    /** A client for the coordinator's data port, trusting the cluster's CA when it has one. */
    Http http() {
        return tls == null ? new Http(base()) : new Http(base(), Http.trusting(tls.ca().caCert()));
    }

    /** Sends a signal (HUP, TERM, ...) to the coordinator process. */
    void signalCoordinator(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(coordinator.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) throw new AssertionError("kill -" + signal + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }


    static Cluster start(Path root, int volumeCount, int replicas, String... extraArgs) {
        return startWithHeap(root, volumeCount, replicas, "256m", extraArgs);
    }

    static Cluster startWithHeap(Path root, int volumeCount, int replicas, String heap, String... extraArgs) {
        return new Cluster(root, volumeCount, replicas, heap, true, c -> List.of(extraArgs)).startAll();
    }

    private Cluster startAll() {
        try {
            for (int i = 0; i < volumePorts.size(); i++) volumes.add(null);
            for (int i = 0; i < volumePorts.size(); i++) startVolume(i);
            startCoordinator();
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    String volumeList() {
        return tls == null ? volumeList(volumePorts) : String.join(",", volumePorts.stream().map(p -> "https://127.0.0.1:" + p).toList());
    }

    static String volumeList(List<Integer> ports) {
        return String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
    }

    Path db() {
        return root.resolve("index.db");
    }

    String base() {
        return scheme() + "127.0.0.1:" + port;
    }

    Volume volume(int i) {
        return new Volume("127.0.0.1", volumePorts.get(i));
    }

    Path volumeData(int i) {
        return root.resolve("vol" + i).resolve("data");
    }

    Ring ring() {
        return ring(volumePorts);
    }

    static Ring ring(List<Integer> ports) {
        return Ring.of(ports.stream().map(p -> new Volume("127.0.0.1", p)).toList(), Ring.DEFAULT_VNODES, 1);
    }

    /** Starts one more volume; the coordinator does not use it until restarted with it. Returns its number. */
    int addVolume() {
        volumePorts.add(Ports.free());
        volumes.add(null);
        startVolume(volumePorts.size() - 1);
        return volumePorts.size() - 1;
    }

    /** Restarts the coordinator on these volume ports. */
    void restartCoordinator(List<Integer> ports) {
        stopCoordinator();
        served = new ArrayList<>(ports);
        startCoordinator();
    }

    /** How an {@code mkv} subcommand run ended: its exit code and everything it printed. */
    record Run(int exit, String output) {}

    /**
     * Runs {@code mkv ARGS} from the jar to its end, killed if it outlives the deadline. A command
     * that talks to volumes is given the cluster's secret file unless ARGS name one or --insecure.
     */
    Run mkv(Duration deadline, String... args) {
        return run(deadline, startMkv(args), args);
    }

    /** As {@link #mkv}, with ARGS exactly as given: no secret file added. */
    Run mkvAsGiven(Duration deadline, String... args) {
        return run(deadline, start(false, args), args);
    }

    private Run run(Duration deadline, Started started, String... args) {
        try {
            if (!started.process().waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("mkv " + String.join(" ", args) + " did not finish within " + deadline + ": " + started.output());
            }
            return new Run(started.process().exitValue(), started.output());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            started.kill();
        }
    }

    /** A running {@code mkv} subcommand, its output going to a file. */
    record Started(Process process, Path log) {
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts {@code mkv ARGS} from the jar; the caller stops it (see {@link Started#kill}) in finally. */
    Started startMkv(String... args) {
        return start(true, args);
    }

    private Started start(boolean withSecret, String... args) {
        Path log = root.resolve("mkv-" + (++runs) + "-" + args[0] + ".log");
        List<String> cmd = new ArrayList<>(javaCommand("256m"));
        cmd.addAll(List.of(args));
        List<String> given = List.of(args);
        if (withSecret && SIGNING_TOOLS.contains(args[0]) && !given.contains("--secret-file") && !given.contains("--insecure")
                && given.stream().noneMatch(a -> a.equals("--help") || a.equals("-h"))) {
            cmd.addAll(keys.isDefined() ? List.of("--secret-file", secretFile().toString()) : List.of("--insecure"));
        }
        try {
            Files.createDirectories(root);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Started(p, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line that runs {@code mkv} from the built jar, as the tests run it. */
    List<String> mkvCommand() {
        return javaCommand("256m");
    }

    private List<String> javaCommand(String heapSize) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("mkv.jar", Path.of("../app/target/mkv.jar").toAbsolutePath().toString());
        return List.of(java, "-Xmx" + heapSize, "--enable-native-access=ALL-UNNAMED",
                "-Dorg.sqlite.tmpdir=" + root, "-Djava.io.tmpdir=" + root, "-jar", jar);
    }

    /** Where the coordinator places a key. */
    List<Replica> placement(String key) {
        return ring().replicasFor(new Key(key), replicas).toJavaList();
    }

    void startVolume(int i) {
        if (tls == null || !tls.volumes().containsKey(i)) {
            volumes.set(i, NginxVolumeProcess.start(root.resolve("vol" + i), "127.0.0.1", volumePorts.get(i), keys));
            return;
        }
        var cert = tls.volumes().get(i);
        var config = new mkv.adapter.nginx.NginxConfig(root.resolve("vol" + i).toAbsolutePath(), volumePorts.get(i), "127.0.0.1",
                "root".equals(System.getProperty("user.name"))
                        ? io.vavr.control.Option.some(new mkv.adapter.nginx.WorkerUser("root", "root")) : io.vavr.control.Option.none())
                .withTls(new mkv.adapter.nginx.NginxConfig.Certificate(cert.cert(), cert.key())).withKeys(keys);
        try {
            volumes.set(i, NginxVolumeProcess.start(config, Duration.ofSeconds(10)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGHUP to a volume's nginx master: it reads its config and certificate again. */
    void reloadVolume(int i) {
        try {
            volumes.get(i).reload();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stopVolume(int i) {
        NginxVolumeProcess v = volumes.get(i);
        if (v != null) v.close();
        volumes.set(i, null);
        Ports.await("volume " + i + " to close its port", Duration.ofSeconds(10), () -> !Ports.open(volumePorts.get(i)));
    }

    /** Sends a signal to a volume's nginx master and all its workers (STOP hangs it, CONT resumes, KILL ends it abruptly). */
    void signalVolume(int i, String signal) {
        NginxVolumeProcess v = volumes.get(i);
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(v.pid())));
        ProcessHandle.of(v.pid()).ifPresent(h -> h.descendants().forEach(d -> cmd.add(Long.toString(d.pid()))));
        try {
            Process kill = new ProcessBuilder(cmd).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) throw new AssertionError("kill -" + signal + " hung");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** kill -9 of a volume's nginx, master and workers: connections drop mid-transfer. */
    void killVolume(int i) {
        signalVolume(i, "KILL");
        volumes.get(i).close();
        volumes.set(i, null);
        Ports.await("volume " + i + " to close its port", Duration.ofSeconds(10), () -> !Ports.open(volumePorts.get(i)));
    }

    void startCoordinator() {
        List<String> cmd = new ArrayList<>(javaCommand(heap));
        cmd.add("server");
        List<String> defaults = new ArrayList<>(List.of("--db", db().toString(),
                "--port", Integer.toString(port), "--admin-port", Integer.toString(adminPort), "--host", "127.0.0.1",
                "--health-interval", "100ms", "--health-failures", "2", "--health-successes", "1", "--read-timeout", "5s"));
        if (!extraArgs.contains("--insecure")) defaults.addAll(List.of("--secret-file", secretFile().toString()));
        String servedList = tls == null ? volumeList(served) : String.join(",", served.stream().map(p -> "https://127.0.0.1:" + p).toList());
        if (placementFlags) defaults.addAll(List.of("--volumes", servedList, "--replicas", Integer.toString(replicas)));
        for (int i = 0; i < defaults.size(); i += 2) {
            if (!extraArgs.contains(defaults.get(i))) cmd.addAll(defaults.subList(i, i + 2)); // a test's own value wins
        }
        cmd.addAll(extraArgs);
        int listeningBefore = countListening(log());
        try {
            Files.createDirectories(root);
            coordinator = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("coordinator.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Bound ports are not enough: the volumes are stamped and earlier WRITING rows settled just
        // after binding, and the coordinator says it is listening only once that is done.
        Ports.await("the coordinator on port " + port + " to say it listens (log: " + root.resolve("coordinator.log") + ")",
                Duration.ofSeconds(60), () -> {
                    if (!coordinator.isAlive()) throw new AssertionError("the coordinator exited: " + log());
                    return countListening(log()) > listeningBefore
                            && Ports.open(port) && (extraArgs.contains("--admin-port") || Ports.open(adminPort));
                });
    }

    private static int countListening(String log) {
        return log.split("mkv: coordinator listening on port", -1).length - 1;
    }

    long coordinatorPid() {
        return coordinator.pid();
    }

    /** SIGTERM, then SIGKILL if it does not stop within the deadline. */
    void stopCoordinator() {
        if (coordinator == null) return;
        coordinator.destroy();
        try {
            if (!coordinator.waitFor(20, TimeUnit.SECONDS)) coordinator.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            coordinator.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        coordinator = null;
    }

    /** kill -9: no shutdown hook runs. */
    void killCoordinator() {
        if (coordinator == null) return;
        coordinator.destroyForcibly();
        try {
            coordinator.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        coordinator = null;
    }

    String log() {
        try {
            return Files.readString(root.resolve("coordinator.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Whether any volume holds a blob or sidecar of the key. */
    boolean hasFiles(String key) {
        String digest = new Key(key).digest();
        return filesOnVolumes().stream().anyMatch(p -> p.getFileName().toString().startsWith(digest));
    }

    /**
     * The newest generation of the key whose files any volume holds (0 when none): where a test
     * that reaches into the volumes finds a value written once through the coordinator.
     */
    long generation(String key) {
        String digest = new Key(key).digest();
        long newest = 0;
        for (Path p : filesOnVolumes()) {
            var m = java.util.regex.Pattern.compile(digest + "(?:\\.(\\d+))?(?:\\.key)?").matcher(p.getFileName().toString());
            if (m.matches() && m.group(1) != null) newest = Math.max(newest, Long.parseLong(m.group(1)));
        }
        return newest;
    }

    /** The live keys under a prefix, as the coordinator lists them (one page of up to 10,000). */
    List<String> liveKeys(String prefix) {
        List<String> keys = new ArrayList<>();
        try {
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(http().get(prefix + "?list&limit=10000").body())
                    .get("keys").forEach(k -> keys.add(k.asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    /**
     * Checks that every replica the index names holds the value with the md5 the index
     * gives, reading each straight from its volume; returns that md5.
     */
    String assertEveryReplicaHolds(String key) {
        Http http = http();
        var redirect = http.get(Http.enc(key));
        org.assertj.core.api.Assertions.assertThat(redirect.statusCode()).as(key).isEqualTo(302);
        String md5 = redirect.headers().firstValue("Content-Md5").orElseThrow();
        // The 302's own path: the generation it names is the one every replica must hold. Its
        // signature covers the path, not the volume, so it reads every replica.
        var location = java.net.URI.create(redirect.headers().firstValue("Location").orElseThrow());
        String path = location.getRawPath() + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery());
        for (String volume : redirect.headers().firstValue("Key-Volumes").orElseThrow().split(",")) {
            var copy = http.call(java.net.http.HttpRequest.newBuilder(java.net.URI.create(scheme() + volume + path)).GET());
            org.assertj.core.api.Assertions.assertThat(copy.statusCode()).as(key + " on " + volume).isEqualTo(200);
            org.assertj.core.api.Assertions.assertThat(Http.md5(copy.body())).as(key + " on " + volume).isEqualTo(md5);
        }
        return md5;
    }

    /** Every regular file under every volume's data folder but the cluster marker: blobs, sidecars, leftovers. */
    List<Path> filesOnVolumes() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < volumePorts.size(); i++) {
            Path data = volumeData(i);
            if (!Files.isDirectory(data)) continue;
            try (Stream<Path> walk = Files.walk(data)) {
                Path marker = data.resolve(mkv.adapter.nginx.MarkJson.PATH.substring(1));
                walk.filter(Files::isRegularFile).filter(p -> !p.equals(marker)).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    @Override
    public void close() {
        try {
            stopCoordinator();
        } finally {
            for (NginxVolumeProcess v : volumes) {
                if (v != null) v.close();
            }
        }
    }
}
