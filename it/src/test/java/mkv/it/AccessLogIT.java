package mkv.it;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log line of a request names its bytes, duration, user agent and request id. */
class AccessLogIT {
    @TempDir
    Path dir;

    @Test
    void a_put_and_a_get_are_logged_with_bytes_duration_user_agent_and_id() {
        try (Cluster cluster = Cluster.start(dir, 2, 2, "--access-log")) {
            Http http = new Http(cluster.base());
            Http.send(HttpRequest.newBuilder(http.uri("/access/a")).header("User-Agent", "mkv-test \"quoted\"/1")
                    .header("X-Request-Id", "put-1").PUT(HttpRequest.BodyPublishers.ofString("12345")));
            Http.send(HttpRequest.newBuilder(http.uri("/access/a")).header("User-Agent", "reader/2").header("X-Request-Id", "get-1").GET());
            Ports.await("the access log lines", Duration.ofSeconds(10), () -> {
                String log = cluster.log();
                return log.matches("(?s).*INFO mkv\\.access: 127\\.0\\.0\\.1 PUT /access/a 201 \\d+\\.\\dms in=5 out=0 id=put-1 "
                                + "ua=\"mkv-test \\\\\"quoted\\\\\"/1\".*")
                        && log.matches("(?s).*INFO mkv\\.access: 127\\.0\\.0\\.1 GET /access/a 302 \\d+\\.\\dms in=- out=0 id=get-1 ua=\"reader/2\".*");
            });
        }
    }
}
