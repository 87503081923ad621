package mkv.it;

import static mkv.it.Http.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subvolume that is a small disk of its own (a 1 MiB tmpfs mounted on {@code data/sv00}, as an
 * operator mounts one disk per subvolume) fills up: the PUT that does not fit fails naming the
 * volume, and no temp file is left anywhere. Needs root and {@code mount -t tmpfs}; skipped
 * (with the reason) where the machine does not allow them.
 */
class FullVolumeIT {
    private static final Pattern BLOB_OR_SIDECAR = Pattern.compile("[0-9a-f]{64}(\\.[1-9][0-9]*)?(\\.key)?");

    @TempDir
    Path dir;
    Cluster cluster;
    Path mounted;

    @AfterEach
    void stop() throws Exception {
        try {
            if (cluster != null) cluster.close();
        } finally {
            if (mounted != null) assertThat(run("umount", mounted.toString())).as("umount " + mounted).isZero();
        }
    }

    @Test
    void a_put_that_fills_a_subvolume_disk_fails_naming_the_volume_and_leaves_no_temp_file() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a small tmpfs needs root");
        cluster = Cluster.start(dir, 1, 1);
        // 1. Give sv00 a 1 MiB disk of its own, then restart the volume so nginx sees the mount.
        cluster.stopVolume(0);
        Path sv00 = cluster.volumeData(0).resolve("sv00");
        Files.createDirectories(sv00);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "mkv-full-volume-it", sv00.toString()) == 0,
                "mount -t tmpfs is not allowed on this machine");
        mounted = sv00;
        cluster.startVolume(0);
        Http http = new Http(cluster.base());
        byte[] value = new byte[300 * 1024];
        java.util.Arrays.fill(value, (byte) 'v');
        Ports.await("the restarted volume to take a PUT", Duration.ofSeconds(20), () -> http.put("/full/0", value).statusCode() == 201);

        // 2. Fill it: 300 KiB values into 1 MiB, so the fourth at the latest does not fit.
        List<String> stored = new ArrayList<>(List.of("/full/0"));
        HttpResponse<byte[]> failed = null;
        for (int i = 1; i < 10 && failed == null; i++) {
            HttpResponse<byte[]> r = http.put("/full/" + i, value);
            if (r.statusCode() == 201) stored.add("/full/" + i);
            else failed = r;
        }

        // 3. The failure is a 5xx that names the volume; nothing of the failed write is left.
        assertThat(failed).as("a PUT into a full 1 MiB disk").isNotNull();
        assertThat(failed.statusCode()).as(text(failed)).isEqualTo(502);
        // nginx answers a bare 500 for ENOSPC; the answer names the volume and where to look, no guess.
        assertThat(text(failed)).contains("\"error\"").contains(cluster.volume(0) + " answered HTTP 500")
                .contains("see that volume's error log");
        // The write that failed was into the subvolume's own temp folder, on the full disk (nginx
        // logs ENOSPC, or a short write when part of the buffer fitted).
        assertThat(Files.readString(dir.resolve("vol0/run/log/error.log")))
                .containsPattern("\"" + Pattern.quote(sv00.resolve(".tmp").toString()) + "/\\d{10}\" (failed \\(28: No space left on device\\)|has written only)");
        List<String> names = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(sv00)) {
            walk.filter(Files::isRegularFile).forEach(p -> names.add(sv00.relativize(p).toString()));
        }
        assertThat(names).as("only blobs and sidecars under the subvolume, no temp file")
                .allMatch(n -> BLOB_OR_SIDECAR.matcher(Path.of(n).getFileName().toString()).matches() && !n.startsWith(".tmp"))
                .hasSize(2 * stored.size());
        try (Stream<Path> temp = Files.list(sv00.resolve(".tmp"))) {
            assertThat(temp).as("the subvolume's own temp folder is empty").isEmpty();
        }
        for (String k : stored) assertThat(http.read(k).statusCode()).as(k).isEqualTo(200);
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " hung");
        }
        if (p.exitValue() != 0) System.err.println(String.join(" ", command) + ": " + output.strip());
        return p.exitValue();
    }
}
