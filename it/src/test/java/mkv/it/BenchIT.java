package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mkv bench}, run as its own process, against a real cluster: every phase, with --json. */
class BenchIT {
    @TempDir
    Path dir;

    record Run(int exit, JsonNode json) {}

    private Run bench(Cluster c, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("mkv.jar", Path.of("../app/target/mkv.jar").toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-jar", jar, "bench", "--url", c.base(), "--prefix", "/it/",
                "--concurrency", "4", "--quiet", "--json", "--timeout", "20s"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("bench finished").isTrue();
        return new Run(p.exitValue(), new ObjectMapper().readTree(out));
    }

    private static void allOk(Run r, int n) {
        assertThat(r.json().get("errors").size()).as(r.json().toString()).isZero();
        assertThat(r.json().get("ok").asLong()).as(r.json().toString()).isEqualTo(n);
        assertThat(r.json().get("failed").asLong()).isZero();
        assertThat(r.exit()).isZero();
    }

    @Test
    void every_phase_succeeds_against_a_real_cluster_and_failures_are_counted_by_status() throws Exception {
        try (Cluster c = Cluster.start(dir, 3, 3)) {
            allOk(bench(c, "--phase", "put", "--keys", "20", "--size", "1KiB-8KiB"), 20);
            Run get = bench(c, "--phase", "get", "--keys", "20");
            allOk(get, 20);
            assertThat(get.json().get("steps").get("get").get("count").asLong()).isEqualTo(20);
            allOk(bench(c, "--phase", "get", "--keys", "5", "--follow"), 5);
            allOk(bench(c, "--phase", "get-missing", "--keys", "5"), 5);
            allOk(bench(c, "--phase", "delete", "--keys", "20"), 20);
            // 100 KiB is above one 64 KiB chunk: the coordinator's streaming path.
            allOk(bench(c, "--phase", "cycle", "--keys", "6", "--size", "100KiB"), 6);

            Run gone = bench(c, "--phase", "get", "--keys", "3");
            assertThat(gone.json().get("errors").get("GET 404").asLong()).isEqualTo(3);
            assertThat(gone.json().get("ok").asLong()).isZero();
            assertThat(gone.exit()).as("no operation succeeded").isEqualTo(1);
        }
    }
}
