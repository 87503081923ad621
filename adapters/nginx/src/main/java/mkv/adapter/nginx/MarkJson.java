package mkv.adapter.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vavr.control.Either;
import java.io.IOException;
import mkv.domain.ClusterId;

/**
 * Pure. The cluster marker at the root of each volume, {@code /mkv-cluster.json}:
 * {@code {"cluster": "<uuid>", "format": 1}}. It sits beside the {@code svNN} folders, where
 * the admin tools' walks never look for blobs.
 */
public final class MarkJson {
    private MarkJson() {}

    /** Where the marker lives on every volume. */
    public static final String PATH = "/mkv-cluster.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    public static byte[] encode(ClusterId cluster) {
        var node = JSON.createObjectNode();
        node.put("cluster", cluster.value());
        node.put("format", 1);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    public static Either<String, ClusterId> decode(byte[] bytes) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (IOException e) {
            return Either.left("not JSON");
        }
        if (node == null || !node.isObject()) return Either.left("not a JSON object");
        JsonNode format = node.get("format");
        if (format == null || !format.isInt() || format.asInt() != 1) return Either.left("format is not 1");
        JsonNode cluster = node.get("cluster");
        if (cluster == null || !cluster.isTextual()) return Either.left("no cluster field");
        return ClusterId.parse(cluster.asText());
    }
}
