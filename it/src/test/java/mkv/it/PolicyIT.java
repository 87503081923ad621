package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --protect and --fallback settings, on a real coordinator. */
class PolicyIT {
    @TempDir
    Path dir;

    @Test
    void protect_refuses_deleting_a_live_key_until_it_is_unlinked() {
        try (Cluster cluster = Cluster.start(dir, 2, 2, "--protect")) {
            Http http = new Http(cluster.base());
            assertThat(http.put("/p/k", "precious").statusCode()).isEqualTo(201);
            assertThat(http.delete("/p/k").statusCode()).isEqualTo(403);
            assertThat(Http.text(http.read("/p/k"))).isEqualTo("precious");
            assertThat(http.unlink("/p/k").statusCode()).isEqualTo(204);
            assertThat(http.delete("/p/k").statusCode()).isEqualTo(204);
            // The sidecars go right after the answer (GUARANTEES.md, "What 204 promises").
            Ports.await("the sidecars to go after the answer", java.time.Duration.ofSeconds(10), () -> cluster.filesOnVolumes().isEmpty());
        }
    }

    @Test
    void fallback_redirects_missing_keys_to_the_other_server() {
        try (Cluster cluster = Cluster.start(dir, 1, 1, "--fallback", "old.example:8080")) {
            Http http = new Http(cluster.base());
            var missing = http.get("/f/missing%20key");
            assertThat(missing.statusCode()).isEqualTo(302);
            assertThat(missing.headers().firstValue("Location")).contains("http://old.example:8080/f/missing%20key");
            http.put("/f/here", "local");
            assertThat(http.get("/f/here").headers().firstValue("Location").orElseThrow()).startsWith("http://127.0.0.1:");
        }
    }
}
