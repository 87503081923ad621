package mkv.adapter.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.vavr.collection.Seq;
import java.util.function.Supplier;
import mkv.domain.flow.RingHealth;

/**
 * The admin port's own routes: {@code /livez} (the process answers) and {@code /readyz}
 * (this coordinator can serve: its index answers and is not damaged). Volume health is reported
 * in the body of {@code /readyz} for information and never changes its status, so failing volumes
 * cannot take the only coordinator out of a load balancer. {@code /metrics} serves the
 * Prometheus text format.
 */
public final class AdminRoutes {
    private AdminRoutes() {}

    /** Why this coordinator cannot serve; empty when it can. Volume health is no part of it. */
    @FunctionalInterface
    public interface Readiness {
        Seq<String> problems();
    }

    /** {@code warnings}: how this coordinator was started that an operator must know (such as insecure); never a problem. */
    record Ready(boolean ready, java.util.List<String> problems, java.util.List<String> warnings, RingHealth.Reading volumes) {}

    record Live(boolean live) {}

    public static void routing(HttpRouting.Builder routing, Readiness readiness, Supplier<RingHealth.Reading> volumes, HttpMetrics telemetry,
                               Seq<String> warnings) {
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, telemetry.contentType());
            res.send(telemetry.scrape());
        });
        routing.get("/livez", (req, res) -> {
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send(Json.encode(new Live(true)));
        });
        routing.get("/readyz", (req, res) -> {
            Seq<String> problems = readiness.problems();
            res.status(problems.isEmpty() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503);
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send(Json.encode(new Ready(problems.isEmpty(), problems.toJavaList(), warnings.toJavaList(), volumes.get())));
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
