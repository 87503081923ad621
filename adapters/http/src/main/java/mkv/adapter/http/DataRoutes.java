package mkv.adapter.http;

import io.helidon.webserver.http.HttpRouting;
import io.vavr.control.Option;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import mkv.domain.access.Tokens;
import mkv.domain.flow.Coordinator;

/**
 * The routing of the data port: every path is a key, so every request goes to one handler
 * that dispatches on the method, behind a filter for metrics and the access log and one for
 * the bearer token (when tokens are configured).
 * Production and tests share this method.
 */
public final class DataRoutes {
    private DataRoutes() {}

    public static void routing(HttpRouting.Builder routing, Coordinator coordinator, Supplier<String> requestIds,
                               HttpMetrics telemetry, ListRateLimit listLimit, BooleanSupplier accessLog, BodyPace pace,
                               Supplier<Option<Tokens>> tokens) {
        routing.addFilter(new RequestLog(telemetry, accessLog));
        // After the log, so refused requests are counted and logged too; before the handler, so they learn nothing.
        routing.addFilter(BearerAuth.data(tokens));
        routing.any(new KeyHandler(coordinator, requestIds, listLimit, pace));
    }
}
