package mkv.adapter.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.function.BooleanSupplier;
import mkv.adapter.metrics.Telemetry;

/** Times every data-port request into the metrics and, when enabled, writes its access-log line. */
final class RequestLog implements Filter {
    private static final System.Logger ACCESS = System.getLogger("mkv.access");

    private final Telemetry telemetry;
    private final BooleanSupplier accessLog;

    RequestLog(Telemetry telemetry, BooleanSupplier accessLog) {
        this.telemetry = telemetry;
        this.accessLog = accessLog;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            long took = System.nanoTime() - start;
            String method = req.prologue().method().text();
            int status = res.status().code();
            telemetry.request(method, status, took);
            if (accessLog.getAsBoolean()) {
                String query = req.prologue().query().rawValue();
                ACCESS.log(System.Logger.Level.INFO, String.format("%s %s %s%s %d %.1fms id=%s",
                        req.remotePeer().host(), method, req.path().rawPath(), query.isEmpty() ? "" : "?" + query,
                        status, took / 1e6, res.headers().first(KeyHandler.REQUEST_ID).orElse("-")));
            }
        }
    }
}
