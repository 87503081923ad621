package mkv.app;

import io.vavr.collection.Seq;
import io.vavr.control.Either;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import io.vavr.collection.List;
import mkv.domain.port.IndexInUse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mkv server}: runs the coordinator until SIGTERM or Ctrl-C; SIGHUP re-reads its settings. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true, modelTransformer = ServerOptions.SettingFlags.class,
        description = {
            "Runs the coordinator: it keeps the index and answers the HTTP API.",
            "The HTTP API listens on --port, metrics and health on --admin-port; the index is in --db and the bytes on "
                    + "--volumes (nginx, see 'mkv volume').",
            "Settings come from --config (YAML), MKV_* environment variables and flags, flags winning; all are checked at "
                    + "once. SIGHUP re-reads them: volumes, timeouts, protect, fallback and list limits change for new requests; "
                    + "an invalid file is refused and the old settings stay.",
            "SIGTERM or Ctrl-C stops it gracefully: no new connections, and in-flight requests finish (--shutdown-grace).",
            "",
            "  mkv server --volumes h1:3001,h2:3001,h3:3001 --db /var/lib/mkv/index.db",
            "  curl -T cat.jpg http://localhost:3000/photos/cat.jpg   # PUT (201)",
            "  curl -L http://localhost:3000/photos/cat.jpg           # GET via a volume",
            "  curl http://localhost:3100/metrics                     # Prometheus",
            ""})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--allow-fresh-index",
            description = "Start even though the index is new or empty while a volume holds data, belongs to a cluster, or cannot be "
                    + "reached to tell. Without it such a start is refused: the usual cure is 'mkv rebuild'. Not a setting: "
                    + "it applies to this start only.")
    boolean allowFreshIndex;

    @Mixin
    ServerOptions options;

    @Override
    public Integer call() throws Exception {
        Map<String, String> own = Map.of();
        Either<Seq<String>, Settings> settings = SettingsLoader.load(options.sources(own));
        if (settings.isLeft()) return fail(settings.getLeft());

        CountDownLatch stopped = new CountDownLatch(1);
        Wiring.Running running;
        try {
            running = Wiring.start(settings.get(), allowFreshIndex, () -> SettingsLoader.load(options.sources(own)));
        } catch (Wiring.Refused e) {
            return refuse(e.reasons);
        } catch (IndexInUse e) {
            return refuse(List.of(e.getMessage()));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "mkv-shutdown"));
        Signals.onStop("the coordinator", running::close);
        Settings s = settings.get();
        String banner = "mkv: coordinator listening on port " + running.port()
                + (s.adminPort() > 0 ? " (admin " + running.adminPort() + ")" : "")
                + (s.tlsCert().isDefined() ? " over https (" + mkv.adapter.tls.TlsFiles.describe(s.tlsCert().get()) + ")" : "")
                + ", index " + s.db() + ", volumes " + s.volumes() + ", " + s.replicas() + " replicas";
        // With JSON logs every line of the stream must parse: the banner becomes a record like the rest.
        if (s.logFormat().equals("json")) System.getLogger(ServerCommand.class.getName()).log(System.Logger.Level.INFO, banner);
        else System.err.println(banner);
        System.err.flush();
        stopped.await();
        return 0;
    }

    /** A start refused for what it found (the index in use, the volumes another cluster's, the port taken): exit 2. */
    static int refuse(Seq<String> reasons) {
        System.err.println("mkv: cannot start:");
        reasons.forEach(p -> System.err.println("  " + p));
        return 2;
    }

    static int fail(Seq<String> problems) {
        System.err.println("mkv: cannot start, " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:"));
        problems.forEach(p -> System.err.println("  " + p));
        return 2;
    }
}
