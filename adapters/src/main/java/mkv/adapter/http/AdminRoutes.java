package mkv.adapter.http;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.vavr.collection.Seq;

/**
 * The admin port's own routes: {@code /livez} (the process answers) and {@code /readyz}
 * (it can serve writes). Metrics are added beside them by Helidon's observe feature.
 */
public final class AdminRoutes {
    private AdminRoutes() {}

    /** Why the coordinator is not ready; empty when it is. */
    @FunctionalInterface
    public interface Readiness {
        Seq<String> problems();
    }

    record Ready(boolean ready, java.util.List<String> problems) {}

    record Live(boolean live) {}

    public static void routing(HttpRouting.Builder routing, Readiness readiness) {
        routing.get("/livez", (req, res) -> {
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send(Json.encode(new Live(true)));
        });
        routing.get("/readyz", (req, res) -> {
            Seq<String> problems = readiness.problems();
            res.status(problems.isEmpty() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send(Json.encode(new Ready(problems.isEmpty(), problems.toJavaList())));
        });
    }

    /** {@code GET /}: the status page, built afresh for each view (see {@link StatusPage}). */
    public static void statusPage(HttpRouting.Builder routing, java.util.function.Supplier<StatusPage.Model> model) {
        routing.get("/", (req, res) -> {
            res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
            res.header(io.helidon.http.HeaderNames.CACHE_CONTROL, "no-store");
            res.send(StatusPage.render(model.get()));
        });
    }
}
