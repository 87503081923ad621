package mkv.adapter.nginx;

import io.vavr.control.Option;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running nginx volume, a child process in the foreground ({@code daemon off}). Lays out the
 * volume folder, writes the generated config into {@code D/run/nginx.conf}, starts nginx and waits
 * until its port answers; closing stops it gracefully ({@code kill -QUIT}), then by force. Writes
 * nothing outside the volume folder.
 */
public final class NginxVolumeProcess implements AutoCloseable {

    public static final Path DEBIAN_NGINX = Path.of("/usr/sbin/nginx");
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final java.util.regex.Pattern SUBVOLUME = java.util.regex.Pattern.compile("sv\\d\\d");

    private final NginxConfig config;
    private final Process process;

    private NginxVolumeProcess(NginxConfig config, Process process) {
        this.config = config;
        this.process = process;
    }

    /**
     * Starts nginx for the volume and returns once its port accepts connections. Every subvolume
     * folder already in the data root gets a temp folder of its own (see {@link NginxConfig}): a
     * disk is mounted on its {@code svNN} folder before the volume starts, so the folder is there.
     */
    public static NginxVolumeProcess start(NginxConfig given, Duration deadline) throws IOException {
        Path nginx = nginxBinary();
        NginxConfig config = given.withSubvolumes(given.subvolumes().appendAll(subvolumesIn(given.dataRoot())));
        layOut(config);
        Process process = new ProcessBuilder(command(nginx, config))
                .redirectErrorStream(true)
                .redirectOutput(config.logDir().resolve("nginx.out").toFile())
                .start();
        var volume = new NginxVolumeProcess(config, process);
        try {
            volume.awaitPort(Instant.now().plus(deadline));
            return volume;
        } catch (IOException | RuntimeException e) {
            volume.close();
            throw e;
        }
    }

    /**
     * Starts a volume in {@code dir} on {@code host:port} for {@code mkv dev} and the tests, waiting
     * up to 10 s for its port: its workers run as the current user, root included (a development
     * cluster's folders are the developer's own). {@code mkv volume}, which serves a network,
     * never runs workers as root: see {@link WorkerUser#decide}.
     */
    public static NginxVolumeProcess start(Path dir, String host, int port) {
        return start(dir, host, port, false, io.vavr.control.Option.none());
    }

    /** As {@link #start(Path, String, int)}, accepting only requests signed with {@code keys} when given. */
    public static NginxVolumeProcess start(Path dir, String host, int port, io.vavr.control.Option<SigningKeys> keys) {
        return start(dir, host, port, false, keys);
    }

    /**
     * As {@link #start(Path, String, int)}, with nginx's access log in {@code dir/run/log/access.log}
     * when {@code accessLog}, accepting only requests signed with {@code keys} when given.
     */
    public static NginxVolumeProcess start(Path dir, String host, int port, boolean accessLog, io.vavr.control.Option<SigningKeys> keys) {
        Option<WorkerUser> workers = runningAsRoot() ? Option.some(new WorkerUser("root", "root")) : Option.none();
        try {
            return start(new NginxConfig(dir.toAbsolutePath(), port, host, workers).withAccessLog(accessLog).withKeys(keys),
                    Duration.ofSeconds(10));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start nginx for volume " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Blocks until nginx exits by itself or is stopped; its exit status (128 + n when signal n killed it). */
    public int awaitExitStatus() throws InterruptedException {
        return process.waitFor();
    }

    /** The subvolumes whose {@code svNN} folders exist in {@code dataRoot}; none when it does not exist yet. */
    static io.vavr.collection.List<Integer> subvolumesIn(Path dataRoot) throws IOException {
        if (!Files.isDirectory(dataRoot)) return io.vavr.collection.List.empty();
        try (var children = Files.list(dataRoot)) {
            return io.vavr.collection.List.ofAll(children.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(name -> SUBVOLUME.matcher(name).matches()).map(name -> Integer.parseInt(name.substring(2))).toList());
        }
    }

    /**
     * Creates the volume's folders and writes its config; returns the config file. The config
     * holds the secrets, so only its owner may read it (nginx's master reads it as that user).
     * Started as
     * root with workers of another account, the folders created here become that account's, so
     * its workers can store uploads; folders that already existed keep their owner.
     */
    public static Path layOut(NginxConfig config) throws IOException {
        java.util.List<Path> created = new java.util.ArrayList<>();
        if (config.dir().getParent() != null) Files.createDirectories(config.dir().getParent());
        for (Path folder : config.folders().prepend(config.runDir()).prepend(config.dir())) {
            // Parents first, so that each folder made here is recorded, the volume folder itself included.
            for (Path p : ancestorsWithin(config.dir(), folder)) {
                if (!Files.exists(p)) {
                    Files.createDirectory(p);
                    created.add(p);
                }
            }
        }
        Option<WorkerUser> handOver = config.workers().filter(w -> runningAsRoot() && !w.user().equals("root"));
        if (handOver.isDefined()) {
            var lookup = config.dir().getFileSystem().getUserPrincipalLookupService();
            var user = lookup.lookupPrincipalByName(handOver.get().user());
            var group = lookup.lookupPrincipalByGroupName(handOver.get().group());
            for (Path p : created) {
                var view = Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
        Path file = config.configFile();
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(next);
        try {
            Files.createFile(next, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(next);
        }
        Files.writeString(next, config.render(), StandardCharsets.UTF_8);
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** {@code folder} and each of its parents up to and including {@code top} (or the root, outside it), outermost first. */
    private static java.util.List<Path> ancestorsWithin(Path top, Path folder) {
        java.util.LinkedList<Path> chain = new java.util.LinkedList<>();
        for (Path p = folder; p != null; p = p.getParent()) {
            chain.addFirst(p);
            if (p.equals(top)) break;
        }
        return chain;
    }

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The owner of {@code folder}, or of its nearest parent that exists when it does not exist yet. */
    public static String owner(Path folder) throws IOException {
        Path p = folder.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        if (p == null) throw new IOException("no part of " + folder + " exists");
        return Files.getOwner(p).getName();
    }

    /** The primary group of {@code user} (from {@code id -gn}, so NSS accounts count too), or none when there is no such user. */
    public static Option<String> primaryGroup(String user) throws IOException {
        Process id = new ProcessBuilder("id", "-gn", "--", user).redirectErrorStream(true).start();
        try {
            String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!id.waitFor(10, TimeUnit.SECONDS)) {
                id.destroyForcibly();
                throw new IOException("id -gn " + user + " did not answer");
            }
            return id.exitValue() == 0 && !out.isEmpty() ? Option.some(out) : Option.none();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            id.destroyForcibly();
            throw new IOException("interrupted while asking id -gn " + user, e);
        }
    }

    /** The command line that runs this volume's nginx in the foreground. */
    public static List<String> command(Path nginx, NginxConfig config) {
        return List.of(nginx.toString(), "-c", config.configFile().toString(), "-p", config.runDir() + File.separator,
                "-e", config.startupLog().toString());
    }

    /** nginx from PATH, else Debian's /usr/sbin/nginx; a clear error when neither exists. */
    public static Path nginxBinary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path candidate = Path.of(dir, "nginx");
                if (Files.isExecutable(candidate)) return candidate;
            }
        }
        if (Files.isExecutable(DEBIAN_NGINX)) return DEBIAN_NGINX;
        throw new IllegalStateException("nginx not found on PATH or at " + DEBIAN_NGINX
                + ": install nginx: apt-get install nginx-light");
    }

    public NginxConfig config() {
        return config;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitPort(Instant deadline) throws IOException {
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("nginx exited with " + process.exitValue() + " before answering on port "
                        + config.port() + ": " + log());
            }
            if (listening()) return;
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("nginx did not answer on " + config.bindHost() + ":" + config.port() + " in time: " + log());
            }
            waitForExit(Duration.ofMillis(50)); // paces the retries; returns early if nginx dies
        }
    }

    /**
     * Whether something accepts connections on the port. On loopback, a connect to a port of the
     * ephemeral range that nothing listens on can be given that very port as its own source and
     * connect to itself (TCP simultaneous open): that is not nginx.
     */
    private boolean listening() {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(config.bindHost(), config.port()), 200);
            return socket.getLocalPort() != config.port();
        } catch (IOException notYet) {
            return false;
        }
    }

    private boolean waitForExit(Duration limit) {
        try {
            process.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    private String log() {
        var text = new StringBuilder();
        for (Path file : List.of(config.startupLog(), config.errorLog(), config.logDir().resolve("nginx.out"))) {
            try {
                if (Files.exists(file)) text.append(Files.readString(file, StandardCharsets.UTF_8).strip()).append(' ');
            } catch (IOException | UncheckedIOException ignored) {
                // best effort: the log only decorates the error message
            }
        }
        return text.toString().strip();
    }

    /**
     * SIGHUP to nginx's master, what {@code nginx -s reload} sends: it reads its config and
     * certificate files again and starts new workers; old workers finish their requests first.
     */
    public void reload() throws IOException {
        if (!process.isAlive()) throw new IOException("nginx (pid " + process.pid() + ") is not running");
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).redirectErrorStream(true).start();
        try {
            if (!kill.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill -HUP " + process.pid() + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling nginx", e);
        }
    }

    /** Graceful stop (workers finish their requests), then by force after a deadline. */
    @Override
    public void close() {
        if (!process.isAlive()) return;
        try {
            Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).redirectErrorStream(true).start();
            kill.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            // no kill(1): fall through to the forced stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!waitForExit(STOP_GRACE)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            waitForExit(STOP_GRACE);
        }
    }
}
