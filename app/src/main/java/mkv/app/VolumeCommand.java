package mkv.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import mkv.adapter.nginx.NginxVolumeProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mkv volume}: one nginx volume, configured by mkv, in the foreground. */
@Command(name = "volume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs one volume: writes an nginx config for it into DIR/run and runs nginx in the foreground.",
            "Blobs live in DIR/data; nginx's logs and pid in DIR/run. Nothing is written outside DIR.",
            "An upload streams into a .tmp folder on its destination's disk, then is renamed into place:",
            "DIR/data/.tmp, and DIR/data/svNN/.tmp for each svNN folder present at start (mount a",
            "subvolume's disk on DIR/data/svNN before starting the volume).",
            "Stops nginx on SIGTERM or Ctrl-C. Needs Debian's nginx (apt-get install nginx-light).",
            ""})
final class VolumeCommand implements Callable<Integer> {

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The volume's folder (created when missing).")
    Path dir;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "The port nginx listens on.")
    int port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "The address nginx binds to (default ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            System.err.println("mkv volume: --port " + port + " is outside 1-65535");
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        NginxVolumeProcess volume = NginxVolumeProcess.start(dir.toAbsolutePath(), host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            volume.close();
            stopped.countDown();
        }, "mkv-volume-shutdown"));
        System.out.println("mkv: volume on " + host + ":" + port + ", data in " + dir.toAbsolutePath().resolve("data"));
        System.out.flush();
        boolean clean = volume.awaitExit();
        stopped.countDown();
        return clean ? 0 : 1;
    }
}
