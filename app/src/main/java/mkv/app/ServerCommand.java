package mkv.app;

import io.vavr.collection.List;
import io.vavr.control.Either;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import mkv.domain.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mkv server}: runs the coordinator until SIGTERM or Ctrl-C. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs the coordinator: the HTTP API on --port, the index in --db, the bytes on --volumes (nginx, see 'mkv volume').",
            "",
            "  curl -L -T file.bin http://localhost:3000/photos/cat.jpg    # PUT (201)",
            "  curl -L http://localhost:3000/photos/cat.jpg                # GET follows the 302 to a volume",
            "  curl 'http://localhost:3000/photos/?list'                   # list keys under a prefix",
            ""})
final class ServerCommand implements Callable<Integer> {

    @Option(names = "--volumes", required = true, split = ",", paramLabel = "HOST:PORT",
            defaultValue = "${env:MKV_VOLUMES}",
            description = "The volumes (nginx servers), comma-separated (env MKV_VOLUMES). Their order does not matter.")
    java.util.List<String> volumes;

    @Option(names = "--port", defaultValue = "${env:MKV_PORT:-3000}", description = "The data port (default ${DEFAULT-VALUE}; env MKV_PORT).")
    int port;

    @Mixin
    ServerOptions options;

    @Override
    public Integer call() throws Exception {
        Either<List<String>, List<Volume>> parsed = parseVolumes(volumes);
        if (parsed.isLeft()) return fail(parsed.getLeft());
        Settings settings = options.settings(parsed.get(), port);
        if (!settings.problems().isEmpty()) return fail(settings.problems().toList());

        CountDownLatch stopped = new CountDownLatch(1);
        Wiring.Running running = Wiring.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "mkv-shutdown"));
        System.out.println("mkv: coordinator listening on port " + running.port() + ", index " + settings.db()
                + ", volumes " + settings.volumes().mkString(",") + ", " + settings.replicas() + " replicas");
        System.out.flush();
        stopped.await();
        return 0;
    }

    static Either<List<String>, List<Volume>> parseVolumes(java.util.List<String> texts) {
        List<Either<String, Volume>> all = List.ofAll(texts == null ? java.util.List.of() : texts)
                .filter(t -> !t.isBlank()).map(Volume::parse);
        List<String> errors = all.filter(Either::isLeft).map(e -> "--volumes: " + e.getLeft());
        return errors.isEmpty() ? Either.right(all.map(Either::get)) : Either.left(errors);
    }

    static int fail(List<String> problems) {
        System.err.println("mkv: cannot start, " + problems.size() + (problems.size() == 1 ? " problem:" : " problems:"));
        problems.forEach(p -> System.err.println("  " + p));
        return 2;
    }
}
