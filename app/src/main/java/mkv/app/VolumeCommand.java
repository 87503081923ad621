package mkv.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import mkv.adapter.nginx.NginxConfig;
import mkv.adapter.nginx.NginxVolumeProcess;
import mkv.adapter.nginx.WorkerUser;
import io.vavr.control.Either;
import mkv.adapter.tls.TlsFiles;
import mkv.adapter.nginx.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mkv volume}: one nginx volume, configured by mkv; the launcher execs nginx in its place. */
@Command(name = "volume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs one volume: nginx, with a config mkv writes for it.",
            "The config goes into DIR/run, then nginx runs.",
            "Blobs live in DIR/data; nginx's logs and pid in DIR/run. Nothing is written outside DIR.",
            "An upload streams into a .tmp folder on its destination's disk, then is renamed into place: DIR/data/.tmp, "
                    + "and DIR/data/svNN/.tmp for each svNN folder present at start (mount a subvolume's disk on DIR/data/svNN "
                    + "before starting the volume).",
            "Through bin/mkv, nginx runs in mkv's place, with no JVM beside it: SIGQUIT stops it gracefully, SIGTERM at once, "
                    + "and a killed nginx is a non-zero exit.",
            "From the jar alone, mkv supervises nginx: SIGTERM stops it gracefully and exits 0; nginx dying is logged and exits 1.",
            "nginx's workers never run as root. Started as root, they run as --user, or else as the owner of DIR (of its "
                    + "parent when DIR does not exist yet), and the folders mkv creates become theirs; a root-owned DIR without "
                    + "--user is refused (exit 2). Started as another user (as mkv-volume@.service does), nginx runs as that user.",
            "nginx answers only requests signed with a key of --secret-file (the coordinator's file): anything else gets 403. "
                    + "Without a secret file it refuses to start, unless --insecure.",
            "A port that is taken exits 1 with a message. Needs Debian's nginx (apt-get install nginx-light).",
            "With --tls-cert and --tls-key the port speaks only https; list it to the coordinator with the https scheme "
                    + "and give the coordinator --tls-ca. SIGHUP makes nginx read the certificate again (through bin/mkv it goes to nginx itself).",
            "",
            "  mkv volume --dir /srv/mkv/vol1 --port 3001 --secret-file /etc/mkv/secret",
            ""})
final class VolumeCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(VolumeCommand.class.getName());

    /** The first line of {@code --exec-plan}'s output; the launcher execs the lines after it only when it reads this. */
    static final String PLAN_MARKER = "exec";

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The volume's folder (created when missing).")
    Path dir;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "The port nginx listens on.")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", paramLabel = "ADDRESS", description = "The address nginx binds to (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--user", paramLabel = "NAME",
            description = "Started as root: the unprivileged account nginx's workers run as (default: the owner of DIR).")
    String user;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "The volume's certificate, then its chain (PEM): the port then speaks only https. Needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The unencrypted PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--access-log", defaultValue = "${env:MKV_VOLUME_ACCESS_LOG:-false}",
            description = "Turn on nginx's access log, one line per request with its time, client, request, status, bytes sent, "
                    + "seconds and the coordinator's request id, written to the file DIR/run/log/access.log (off by default; "
                    + "MKV_VOLUME_ACCESS_LOG=true also turns it on).")
    boolean accessLog;

    @Option(names = "--keep-empty-folders",
            description = "Skip removing the empty svNN/aa/bb folders (what moves and deletes leave, thousands after a rebalance "
                    + "moved replicas away) before nginx starts. They are removed with rmdir only, which never removes a file.")
    boolean keepEmptyFolders;

    @Option(names = "--secret-file", paramLabel = "FILE", defaultValue = "${env:MKV_SECRET_FILE}",
            description = "The secret shared with the coordinator: 'KEYID SECRET' lines, the first signing, all accepted "
                    + "(see docs/SECURITY.md). Only its owner and group may read it. Env MKV_SECRET_FILE.")
    Path secretFile;

    @Option(names = "--insecure",
            description = "Run without a secret file: anyone who reaches the port may read, overwrite, delete and list every file.")
    boolean insecure;

    @Option(names = "--exec-plan",
            description = "Lay out DIR, write the config and check the port, then print '" + PLAN_MARKER + "' and the nginx command line, "
                    + "one argument per line, instead of running nginx. bin/mkv uses it to exec nginx in its own place.")
    boolean execPlan;

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            System.err.println("mkv volume: --port " + port + " is outside 1-65535");
            return 2;
        }
        if (secretFile == null && !insecure) {
            System.err.println("mkv volume: no --secret-file: a volume answers only requests signed with the secret it shares with "
                    + "the coordinator; give --secret-file FILE (the coordinator's), or --insecure to let anyone who reaches "
                    + host + ":" + port + " read and write it");
            return 2;
        }
        io.vavr.control.Option<SigningKeys> keys = io.vavr.control.Option.none();
        if (secretFile != null) {
            var read = SigningKeys.read(secretFile);
            if (read.isLeft()) {
                System.err.println("mkv volume: --secret-file " + read.getLeft());
                return 2;
            }
            keys = io.vavr.control.Option.some(read.get());
        } else {
            LOG.log(System.Logger.Level.WARNING, "volume " + host + ":" + port + " runs --insecure: no request is checked, anyone "
                    + "who reaches it may read, overwrite, delete and list every file");
        }
        Path folder = dir.toAbsolutePath();
        var tls = certificate();
        if (tls.isLeft()) {
            tls.getLeft().forEach(p -> System.err.println("mkv volume: " + p));
            return 2;
        }
        String taken = portTaken(host, port);
        if (taken != null) {
            System.err.println("mkv volume: cannot listen on " + host + ":" + port + " (" + taken
                    + "): another volume or program holds the port; stop it or choose another --port");
            return 1;
        }
        Either<String, io.vavr.control.Option<WorkerUser>> workers = workers(folder);
        if (workers.isLeft()) {
            System.err.println("mkv volume: " + workers.getLeft());
            return 2;
        }
        if (!keepEmptyFolders) prune(folder.resolve("data"));
        NginxConfig config = new NginxConfig(folder, port, host, workers.get()).withAccessLog(accessLog).withKeys(keys);
        if (tls.get().isDefined()) config = config.withTls(tls.get().get());
        if (execPlan) return printPlan(config);

        NginxVolumeProcess volume;
        try {
            volume = NginxVolumeProcess.start(config, java.time.Duration.ofSeconds(10));
        } catch (IOException e) {
            System.err.println("mkv volume: cannot start nginx for " + folder + ": " + e.getMessage());
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(volume::close, "mkv-volume-shutdown"));
        AtomicBoolean stopping = new AtomicBoolean();
        Signals.onStop("volume " + host + ":" + port + " (nginx pid " + volume.pid() + ")", () -> {
            stopping.set(true);
            volume.close();
        });
        Signals.onHangup(() -> {
            try {
                volume.reload();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "SIGHUP not passed on to nginx: " + e.getMessage());
            }
        });
        System.out.println("mkv: volume on " + (tls.get().isDefined() ? "https://" : "") + host + ":" + port + ", data in " + folder.resolve("data") + ", nginx pid " + volume.pid());
        System.out.flush();
        int status = volume.awaitExitStatus();
        if (stopping.get()) new CountDownLatch(1).await(); // a stop we asked for: Signals.onStop logs it and exits 0
        LOG.log(System.Logger.Level.ERROR, "nginx (pid " + volume.pid() + ") of volume " + host + ":" + port + " exited with status "
                + status + " (see " + volume.config().errorLog() + "): the volume is down");
        return 1;
    }

    /** Who nginx's workers run as (see {@link WorkerUser#decide}), with the account's primary group; or why the start is refused. */
    private Either<String, io.vavr.control.Option<WorkerUser>> workers(Path folder) throws IOException {
        String current = System.getProperty("user.name");
        Either<String, io.vavr.control.Option<String>> name =
                WorkerUser.decide(current, io.vavr.control.Option.of(user), NginxVolumeProcess.owner(folder), folder.toString());
        if (name.isLeft()) return Either.left(name.getLeft());
        if (name.get().isEmpty()) return Either.right(io.vavr.control.Option.none());
        String account = name.get().get();
        io.vavr.control.Option<String> group = NginxVolumeProcess.primaryGroup(account);
        if (group.isEmpty()) return Either.left("--user " + account + ": no such user on this machine");
        try {
            return Either.right(io.vavr.control.Option.some(new WorkerUser(account, group.get())));
        } catch (IllegalArgumentException e) {
            return Either.left(e.getMessage());
        }
    }

    /** The certificate to serve, when both files are given and fit together; every problem otherwise. */
    private io.vavr.control.Either<io.vavr.collection.Seq<String>, io.vavr.control.Option<NginxConfig.Certificate>> certificate() {
        if (tlsCert == null && tlsKey == null) return io.vavr.control.Either.right(io.vavr.control.Option.none());
        if (tlsCert == null || tlsKey == null) {
            return io.vavr.control.Either.left(io.vavr.collection.List.of(tlsCert == null ? "--tls-cert: needed with --tls-key" : "--tls-key: needed with --tls-cert"));
        }
        var problems = TlsFiles.problems(tlsCert, tlsKey);
        if (!problems.isEmpty()) return io.vavr.control.Either.left(problems.map(p -> "--tls-cert/--tls-key: " + p));
        try {
            return io.vavr.control.Either.right(io.vavr.control.Option.some(
                    new NginxConfig.Certificate(tlsCert.toAbsolutePath().normalize(), tlsKey.toAbsolutePath().normalize())));
        } catch (IllegalArgumentException e) {
            return io.vavr.control.Either.left(io.vavr.collection.List.of("--tls-cert/--tls-key: " + e.getMessage()));
        }
    }

    private static int printPlan(NginxConfig config) throws IOException {
        NginxVolumeProcess.layOut(config);
        StringBuilder plan = new StringBuilder(PLAN_MARKER).append('\n');
        for (String arg : NginxVolumeProcess.command(NginxVolumeProcess.nginxBinary(), config)) {
            if (arg.indexOf('\n') >= 0) throw new IllegalArgumentException("a path with a line break cannot be passed on: " + arg);
            plan.append(arg).append('\n');
        }
        System.err.println("mkv: volume on " + (config.tls().isDefined() ? "https://" : "") + config.bindHost() + ":" + config.port()
                + ", data in " + config.dataRoot()
                + ", config " + config.configFile() + ": nginx takes over this process");
        System.out.print(plan);
        System.out.flush();
        return 0;
    }

    /** Removes the emptied folders before nginx runs; a failure to walk them is a warning, never a reason not to start. */
    private static void prune(Path data) {
        long start = System.nanoTime();
        try {
            long removed = mkv.adapter.nginx.EmptyFolders.prune(data);
            if (removed > 0) {
                System.err.printf(java.util.Locale.ROOT, "mkv: volume: removed %,d empty folders from %s in %.1f s%n", removed, data,
                        (System.nanoTime() - start) / 1e9);
            }
        } catch (IOException e) {
            System.err.println("mkv: volume: could not remove empty folders under " + data + " (" + e + "); starting anyway");
        }
    }

    /** Why nobody can listen on host:port now (nginx sets SO_REUSEADDR too), or null when it is free. */
    private static String portTaken(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
            return null;
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
