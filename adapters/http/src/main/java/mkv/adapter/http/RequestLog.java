package mkv.adapter.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.function.BooleanSupplier;

/** Times every data-port request into the metrics and, when enabled, writes its access-log line. */
final class RequestLog implements Filter {
    private static final System.Logger ACCESS = System.getLogger("mkv.access");

    private final HttpMetrics telemetry;
    private final BooleanSupplier accessLog;

    RequestLog(HttpMetrics telemetry, BooleanSupplier accessLog) {
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
                var in = req.headers().contentLength();
                var out = res.headers().contentLength();
                ACCESS.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT, "%s %s %s%s %d %.1fms in=%s out=%s id=%s ua=%s",
                        req.remotePeer().host(), method, req.path().rawPath(), query.isEmpty() ? "" : "?" + query,
                        status, took / 1e6, in.isPresent() ? Long.toString(in.getAsLong()) : "-",
                        out.isPresent() ? Long.toString(out.getAsLong()) : "-",
                        res.headers().first(KeyHandler.REQUEST_ID).orElse("-"),
                        quoted(req.headers().first(HeaderNames.USER_AGENT).orElse("-"))));
            }
        }
    }

    /** A client's text in double quotes, its quotes, backslashes and control characters escaped: one line, one field. */
    static String quoted(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
