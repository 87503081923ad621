package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin port's status page as a person sees it: rendered by a real headless Chromium against
 * a real coordinator with one volume down, the DOM it built is checked for the down volume, each
 * volume's replicas and bytes, the key counts by state and a setting's value.
 */
class StatusPageIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) cluster.close();
    }

    private static String page(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(DEADLINE).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs headless Chromium on the page with {@code mode} (--dump-dom, --screenshot=...); its profile, home and caches stay in the test folder. */
    private String chromium(String url, String... mode) throws Exception {
        String binary = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow(() -> new AssertionError("chromium is not installed; bin/test installs it (apt-get install chromium)"));
        Path home = Files.createDirectories(dir.resolve("chromium-home"));
        List<String> cmd = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--user-data-dir=" + home.resolve("profile"), "--window-size=1200,1600"));
        cmd.addAll(List.of(mode));
        cmd.add(url);
        Path out = dir.resolve("chromium-" + System.nanoTime() + ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(dir.resolve("chromium.err").toFile())
                .directory(home.toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("XDG_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().put("XDG_CACHE_HOME", home.resolve("cache").toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) throw new AssertionError("chromium did not finish within " + DEADLINE);
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("chromium.err"))).isZero();
            return Files.readString(out);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_page_shows_a_down_volume_the_key_counts_and_the_settings_as_chromium_renders_it() throws Exception {
        cluster = Cluster.start(dir, 3, 2);
        Http http = new Http(cluster.base());
        java.util.Map<String, Integer> replicasOn = new java.util.HashMap<>();
        for (int i = 0; i < 7; i++) {
            assertThat(http.put("/shown/" + i, "value " + i).statusCode()).isEqualTo(201);
            for (String v : http.get("/shown/" + i).headers().firstValue("Key-Volumes").orElseThrow().split(",")) replicasOn.merge(v, 1, Integer::sum);
        }
        assertThat(http.unlink("/shown/6").statusCode()).isEqualTo(204);
        cluster.stopVolume(2);
        String down = cluster.volume(2).toString();
        String url = cluster.adminBase() + "/";
        // The probes need a moment to call the volume down.
        Ports.await("the page to show " + down + " down", DEADLINE, () -> page(url).contains("<td>" + down + "</td><td class=\"down\">DOWN</td>"));

        String dom = chromium(url, "--dump-dom");
        String text = dom.replaceAll("\\s+", " ");
        assertThat(text).contains("2 of 3 up");
        assertThat(text).containsPattern(Pattern.quote("<td>" + down + "</td><td class=\"down\">DOWN</td><td class=\"n\">")
                + "\\d+</td><td class=\"n\">\\d+ B</td><td>(unreachable|connection lost|timed out)");
        // Each volume's replicas and bytes, from the index's counters: the unlinked value's replicas still count.
        for (int v = 0; v < 3; v++) {
            int n = replicasOn.getOrDefault(cluster.volume(v).toString(), 0);
            assertThat(text).containsPattern(Pattern.quote("<td>" + cluster.volume(v) + "</td>") + "<td class=\"(up|down)\">(UP|DOWN)</td>"
                    + Pattern.quote("<td class=\"n\">" + n + "</td><td class=\"n\">" + 7 * n + " B</td>"));
        }
        assertThat(replicasOn.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(14);
        assertThat(text).contains("Disk free and used are not shown").contains("node_exporter");
        assertThat(text).contains("<td>" + cluster.volume(0) + "</td><td class=\"up\">UP</td>");
        assertThat(text).contains("<td>live</td><td class=\"n\">6</td><td class=\"n\">42 B</td>")
                .contains("<td>unlinked</td><td class=\"n\">1</td><td class=\"n\">7 B</td>")
                .contains("<td>writing</td><td class=\"n\">0</td>");
        assertThat(text).contains("<tr><td>replicas</td><td>2</td><td>reload</td></tr>");
        assertThat(text).contains("<tr><td>health-interval</td><td>100ms</td><td>restart</td></tr>");
        assertThat(text).containsPattern("<td>PUT</td><td>201</td><td class=\"n\">7</td>");
        assertThat(text).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");

        Path shot = dir.resolve("status.png");
        chromium(url, "--screenshot=" + shot);
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(1000);
        if (System.getProperty("mkv.statuspage.shot") != null) Files.copy(shot, Path.of(System.getProperty("mkv.statuspage.shot")),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
