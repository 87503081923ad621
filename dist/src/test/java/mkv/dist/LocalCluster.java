package mkv.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Three {@code mkv volume} and one {@code mkv server}, each its own process from a release, on free loopback ports. */
final class LocalCluster {
    final List<Release.Started> volumes = new ArrayList<>();
    final List<Integer> volumePorts = new ArrayList<>();
    final Release.Started server;
    final int port = Release.freePort();
    final int adminPort = Release.freePort();

    LocalCluster(Release release) {
        for (int i = 0; i < 3; i++) {
            int p = Release.freePort();
            volumePorts.add(p);
            volumes.add(release.mkv("volume-" + i, release.volumeArgs("vol" + i, p)));
        }
        for (int i = 0; i < 3; i++) {
            Release.Started v = volumes.get(i);
            int p = volumePorts.get(i);
            Release.await("volume on port " + p, Duration.ofSeconds(60), () -> {
                if (!v.process().isAlive()) throw new AssertionError("mkv volume exited: " + v.output());
                return Release.open(p);
            });
            release.track(v.process().pid());
        }
        String list = volumePorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        server = release.mkv("server", "server", "--volumes", list, "--port", Integer.toString(port),
                "--admin-port", Integer.toString(adminPort), "--host", "127.0.0.1", "--db", release.work.resolve("index.db").toString(), "--secret-file", release.secret());
        Release.await("the coordinator on port " + port, Duration.ofSeconds(120), () -> {
            if (!server.process().isAlive()) throw new AssertionError("mkv server exited: " + server.output());
            return server.output().contains("coordinator listening on port " + port);
        });
    }

    /** PUT then GET (following the redirect to a volume) of one key. */
    void putAndGet(String key, String value) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(10)).build();
        String url = "http://127.0.0.1:" + port + key;
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as("PUT %s: %s", key, put.body()).isEqualTo(201);
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.uri().getPort()).as("served by a volume").isIn(volumePorts);
        assertThat(get.body()).isEqualTo(value);
    }

    /** SIGTERM to the coordinator: it must drain, say so, and exit 0. */
    void stopServer() {
        server.process().destroy();
        int exit = server.exit(Duration.ofSeconds(60));
        assertThat(exit).as("exit status after SIGTERM; output: %s", server.output()).isZero();
        assertThat(server.output()).contains("SIGTERM: draining the coordinator").contains("the coordinator stopped");
    }

    /** SIGQUIT to each volume, what systemd sends (KillSignal=SIGQUIT): nginx, in the launcher's place, stops gracefully with 0. */
    void stopVolumes() {
        for (Release.Started v : volumes) Release.signal(v.process().pid(), "QUIT");
        for (Release.Started v : volumes) assertThat(v.exit(Duration.ofSeconds(30))).as("volume exit: %s", v.output()).isZero();
    }
}
