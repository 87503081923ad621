package mkv.adapter.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The response bodies of the data port, and their one JSON encoder. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Error(String error, String key) {}

    /** A change that stands but is not finished everywhere: what recovery will finish, and where. */
    record Accepted(String key, String message) {}

    record Listing(String next, java.util.List<String> keys) {}

    /** A page of {@code ?writing}: the rows in flight, and where the next page starts ({@code ""} at the end). */
    record InFlightListing(String next, java.util.List<InFlightRow> writing) {}

    /** One row in flight: what it is doing (write, delete, replace), which generation, where, since when, how long ago. */
    record InFlightRow(String key, String doing, long generation, java.util.List<String> replicas, String since,
                       @com.fasterxml.jackson.annotation.JsonProperty("age_seconds") double ageSeconds) {}

    static byte[] encode(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + body.getClass().getSimpleName(), e);
        }
    }
}
