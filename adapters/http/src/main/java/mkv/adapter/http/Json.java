package mkv.adapter.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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

    private static final String NO_SUCH_KEY = "no such key";
    /** The 404 of a missing key up to its key, encoded once: the commonest error answer. */
    private static final byte[] NO_SUCH_KEY_HEAD = "{\"error\":\"no such key\",\"key\":\"".getBytes(StandardCharsets.UTF_8);

    /**
     * The same bytes as {@code encode(new Error("no such key", key))}, without Jackson when the
     * key needs no escaping (no quote, backslash, control character or lone surrogate half).
     */
    static byte[] noSuchKey(String key) {
        if (!plain(key)) return encode(new Error(NO_SUCH_KEY, key));
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(NO_SUCH_KEY_HEAD, NO_SUCH_KEY_HEAD.length + k.length + 2);
        System.arraycopy(k, 0, out, NO_SUCH_KEY_HEAD.length, k.length);
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    /** Whether JSON holds the text as it is: nothing to escape, and UTF-8 encodes every char as JSON would. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) return false;
        }
        return true;
    }

    static byte[] encode(Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + body.getClass().getSimpleName(), e);
        }
    }
}
