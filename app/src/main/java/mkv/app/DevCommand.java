package mkv.app;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import mkv.adapter.nginx.NginxVolumeProcess;
import mkv.adapter.nginx.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mkv dev}: a whole local cluster, N nginx volumes and a coordinator, in one command. */
@Command(name = "dev", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true, modelTransformer = DevCommand.DevFlags.class,
        description = {
            "Starts a whole local cluster: nginx volumes and a coordinator.",
            "The coordinator listens on --port and the --volumes volumes on the ports after it, all on 127.0.0.1, with "
                    + "everything (blobs, index, nginx logs) under --data. It prints curl lines to try.",
            "Ctrl-C or SIGTERM stops everything. Run it again on the same --data and the data is still there.",
            "The volumes answer only requests the coordinator signed, with the secret in DATA/secret (made on the first run, "
                    + "mode 600): curl through the coordinator (curl -L) as usual; the admin tools take --secret-file DATA/secret.",
            "Every coordinator setting of 'mkv server' applies too (such as --protect and --config).",
            ""})
final class DevCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "Where the cluster keeps everything (default ${DEFAULT-VALUE}, in the current folder).")
    Path data;

    @Option(names = "--port", defaultValue = "3000", paramLabel = "PORT", description = "The coordinator's port; volumes take the next ones (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--volumes", defaultValue = "3", paramLabel = "N", description = "How many volumes to start (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--allow-fresh-index", description = "As for 'mkv server': start a new or empty index over volumes that hold data.")
    boolean allowFreshIndex;

    @Mixin
    ServerOptions options;

    /** The coordinator's flags, with the defaults dev computes itself (see {@link #call}) shown instead of the server's. */
    static final class DevFlags extends ServerOptions.SettingFlags {
        private static final Map<String, String> DEV_DEFAULTS = Map.of(
                "db", "DATA/index.db (under --data)",
                "replicas", "3, or the number of volumes when fewer",
                "host", "127.0.0.1",
                "secret-file", "DATA/secret, made on the first run");

        @Override
        String[] usage(Setting<?> s) {
            String dev = DEV_DEFAULTS.get(s.name());
            if (dev == null) return super.usage(s);
            String help = s.help().replace("`", "");
            return new String[] {help + " Default in dev: " + dev + (s.reload() == Setting.Reload.LIVE ? "; SIGHUP changes it." : "; needs a restart.")};
        }
    }

    /** DATA/secret, made on the first run: a new random key, readable by its owner alone from the moment it exists. */
    static Path secretFile(Path root) throws java.io.IOException {
        Path secret = root.resolve("secret");
        if (java.nio.file.Files.exists(secret)) return secret;
        java.nio.file.Files.createDirectories(root);
        Path next = root.resolve("secret.new");
        java.nio.file.Files.deleteIfExists(next);
        java.nio.file.Files.createFile(next, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.writeString(next, SigningKeys.generate(new java.security.SecureRandom()));
        java.nio.file.Files.move(next, secret, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return secret;
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 99) return ServerCommand.fail(List.of("--volumes: must be 1-99, not " + count));
        if (port < 1 || port + count > 65535) return ServerCommand.fail(List.of("--port: " + port + " leaves no room for " + count + " volume ports"));
        Path root = data.toAbsolutePath();
        Map<String, String> own = new LinkedHashMap<>();
        own.put("db", root.resolve("index.db").toString());
        own.put("replicas", Integer.toString(Math.min(3, count)));
        own.put("host", "127.0.0.1");
        own.put("volumes", String.join(",", List.range(1, count + 1).map(i -> "127.0.0.1:" + (port + i))));
        own.put("port", Integer.toString(port));
        Either<Seq<String>, Settings> given = SettingsLoader.load(options.sources(own));
        if (given.isLeft()) return ServerCommand.fail(given.getLeft());
        // Signed unless --insecure without a secret file: then the volumes are unsigned too.
        io.vavr.control.Option<SigningKeys> keys = io.vavr.control.Option.none();
        Path secret = null;
        if (!given.get().insecure() || given.get().secretFile().isDefined()) {
            try {
                secret = given.get().secretFile().isDefined() ? given.get().secretFile().get() : secretFile(root);
            } catch (java.io.IOException e) {
                return ServerCommand.fail(List.of("--data: cannot write the secret file in " + root + ": " + e.getMessage()));
            }
            var read = SigningKeys.read(secret);
            if (read.isLeft()) return ServerCommand.fail(List.of("secret-file: " + read.getLeft()));
            keys = io.vavr.control.Option.some(read.get());
            own.put("secret-file", secret.toString());
        }
        Either<Seq<String>, Settings> settings = SettingsLoader.load(options.sources(own));
        if (settings.isLeft()) return ServerCommand.fail(settings.getLeft());

        if (NginxVolumeProcess.runningAsRoot()) {
            // mkv volume refuses this; a development cluster on loopback, in the developer's own folder, may do it.
            System.err.println("mkv dev: running as root, so its nginx workers run as root too; fine for a cluster on 127.0.0.1, "
                    + "never for one that serves a network (use mkv volume, docs/SECURITY.md)");
        }
        java.util.List<NginxVolumeProcess> started = new ArrayList<>();
        Wiring.Running coordinator = null;
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            for (int i = 1; i <= count; i++) started.add(NginxVolumeProcess.start(root.resolve("vol" + i), "127.0.0.1", port + i, keys));
            coordinator = Wiring.start(settings.get(), allowFreshIndex, () -> SettingsLoader.load(options.sources(own)));
        } catch (Wiring.Refused | mkv.domain.port.IndexInUse e) {
            started.forEach(NginxVolumeProcess::close);
            return ServerCommand.refuse(e instanceof Wiring.Refused r ? r.reasons : List.of(e.getMessage()));
        } catch (RuntimeException e) {
            if (coordinator != null) coordinator.close();
            started.forEach(NginxVolumeProcess::close);
            throw e;
        }
        Wiring.Running running = coordinator;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("mkv: stopping the coordinator and " + started.size() + " volumes...");
            running.close();
            started.forEach(NginxVolumeProcess::close);
            stopped.countDown();
        }, "mkv-dev-shutdown"));
        Signals.onStop("the local cluster", () -> {
            running.close();
            started.forEach(NginxVolumeProcess::close);
        });
        String base = "http://127.0.0.1:" + port;
        System.out.println("""
                mkv: a local cluster is up: coordinator on %s, %d volumes on ports %d-%d, %d replicas, data in %s
                Try:
                  echo 'hello, mkv' | curl -T - %s/hello.txt          # PUT (chunked) -> 201
                  curl -L %s/hello.txt                                # GET follows the 302 to a volume
                  curl -I %s/hello.txt                                # the redirect itself, with Content-Md5
                  curl '%s/?list'                                     # list every key
                  curl -X UNLINK %s/hello.txt                         # soft delete -> 204
                  curl -X RELINK %s/hello.txt                         # undo the unlink -> 204
                  curl -X DELETE %s/hello.txt                         # delete -> 204
                  curl http://127.0.0.1:%d/metrics                    # metrics (admin port)%s
                %s
                Press Ctrl-C to stop.""".formatted(base, count, port + 1, port + count, settings.get().replicas(), root,
                base, base, base, base, base, base, base, settings.get().adminPort(),
                settings.get().tokensFile().map(f -> "\nWith tokens (" + f + "), add to each: -H \"Authorization: Bearer TOKEN\"").getOrElse(""),
                secret == null
                        ? "Insecure: the volumes answer anyone, unsigned (--insecure)."
                        : "The volumes answer only signed requests (a direct curl to one gets 403); the 302 carries a signed URL.\n"
                                + "Admin tools need the secret: mkv verify --volumes " + own.get("volumes") + " --db " + own.get("db")
                                + " --secret-file " + secret));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
