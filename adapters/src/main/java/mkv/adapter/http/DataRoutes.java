package mkv.adapter.http;

import io.helidon.webserver.http.HttpRouting;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import mkv.domain.flow.Coordinator;

/**
 * The routing of the data port: every path is a key, so every request goes to one handler
 * that dispatches on the method, behind one filter for metrics and the access log.
 * Production and tests share this method.
 */
public final class DataRoutes {
    private DataRoutes() {}

    public static void routing(HttpRouting.Builder routing, Coordinator coordinator, Supplier<String> requestIds,
                               HttpMetrics telemetry, ListRateLimit listLimit, BooleanSupplier accessLog, BodyPace pace) {
        routing.addFilter(new RequestLog(telemetry, accessLog));
        routing.any(new KeyHandler(coordinator, requestIds, listLimit, pace));
    }
}
