package mkv.adapter.http;

/**
 * What the HTTP adapter needs of metrics: a count and a duration for each request, and the
 * text of {@code /metrics}. Declared here, implemented in the wiring over the metrics adapter,
 * so that no adapter imports another.
 */
public interface HttpMetrics {
    /** One request answered: its method, status and how long it took. */
    void request(String method, int status, long nanos);

    /** The media type of {@link #scrape}. */
    String contentType();

    /** The exposition served at {@code /metrics}. */
    byte[] scrape();
}
