package mkv.app;

import io.vavr.collection.List;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import mkv.adapter.nginx.NginxVolumeProcess;
import mkv.domain.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mkv dev}: a whole local cluster, N nginx volumes and a coordinator, in one command. */
@Command(name = "dev", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Starts a local cluster: --volumes nginx volumes on ports PORT+1..PORT+N and the coordinator on PORT,",
            "all on 127.0.0.1, with everything (blobs, index, nginx logs) under --data. Prints curl lines to try.",
            "Ctrl-C or SIGTERM stops everything. Run it again on the same --data and the data is still there.",
            ""})
final class DevCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "data", paramLabel = "DIR", description = "Where the cluster keeps everything (default ./${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--port", defaultValue = "3000", description = "The coordinator's port; volumes take the next ones (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--volumes", defaultValue = "3", paramLabel = "N", description = "How many volumes to start (default ${DEFAULT-VALUE}).")
    int count;

    @Mixin
    ServerOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 100) return ServerCommand.fail(List.of("--volumes: must be 1-100, not " + count));
        if (port < 1 || port + count > 65535) return ServerCommand.fail(List.of("--port: " + port + " leaves no room for " + count + " volume ports"));
        Path root = data.toAbsolutePath();
        if (!spec.commandLine().getParseResult().hasMatchedOption("--db")) options.db = root.resolve("index.db");
        if (!spec.commandLine().getParseResult().hasMatchedOption("--replicas")) options.replicas = Math.min(3, count);
        if (!spec.commandLine().getParseResult().hasMatchedOption("--host")) options.host = "127.0.0.1";

        java.util.List<NginxVolumeProcess> started = new ArrayList<>();
        Wiring.Running coordinator = null;
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            List<Volume> volumes = List.empty();
            for (int i = 1; i <= count; i++) {
                started.add(NginxVolumeProcess.start(root.resolve("vol" + i), "127.0.0.1", port + i));
                volumes = volumes.append(new Volume("127.0.0.1", port + i));
            }
            Settings settings = options.settings(volumes, port);
            if (!settings.problems().isEmpty()) return ServerCommand.fail(settings.problems().toList());
            coordinator = Wiring.start(settings);
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
        String base = "http://127.0.0.1:" + port;
        System.out.println("""
                mkv: a local cluster is up: coordinator on %s, %d volumes on ports %d-%d, %d replicas, data in %s
                Try:
                  echo 'hello, mkv' | curl -T - %s/hello.txt          # PUT (chunked) -> 201
                  curl -L %s/hello.txt                                # GET follows the 302 to a volume
                  curl -I %s/hello.txt                                # the redirect itself, with Content-Md5
                  curl '%s/?list'                                     # list every key
                  curl -X UNLINK %s/hello.txt                         # soft delete -> 204
                  curl -X DELETE %s/hello.txt                         # delete -> 204
                Press Ctrl-C to stop.""".formatted(base, count, port + 1, port + count, options.replicas, root,
                base, base, base, base, base, base));
        System.out.flush();
        stopped.await();
        return 0;
    }
}
