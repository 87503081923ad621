package mkv.adapter.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vavr.control.Either;
import java.io.IOException;
import java.time.Instant;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Sidecar;

/**
 * Pure. The sidecar's bytes on disk: {@code {"key","size","md5","state","created","generation","format"}},
 * {@code created} in epoch milliseconds. Format 1 (before generations) has no {@code generation}
 * and still decodes, as generation 0; format 2 requires it. Rebuild trusts what this decoder accepts, so it rejects
 * anything it cannot read exactly: a newer format, a missing or mistyped field, a bad key or md5.
 */
public final class SidecarJson {
    private SidecarJson() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    public static byte[] encode(Sidecar sidecar) {
        ObjectNode node = JSON.createObjectNode();
        node.put("key", sidecar.key().value());
        node.put("size", sidecar.size());
        node.put("md5", sidecar.md5().hex());
        node.put("state", sidecar.state().name());
        node.put("created", sidecar.created().toEpochMilli());
        node.put("generation", sidecar.generation());
        node.put("format", Sidecar.FORMAT);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    public static Either<String, Sidecar> decode(byte[] bytes) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (IOException e) {
            return Either.left("sidecar is not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) return Either.left("sidecar is not a JSON object");
        JsonNode format = node.get("format");
        if (format == null || !format.isIntegralNumber()) return Either.left("sidecar has no integer 'format'");
        if (format.asLong() > Sidecar.FORMAT) {
            return Either.left("sidecar format " + format.asLong() + " is newer than this build reads (" + Sidecar.FORMAT + ")");
        }
        if (format.asLong() < 1) return Either.left("sidecar format " + format.asLong() + " is not a known format");
        for (String field : new String[] {"key", "md5", "state"}) {
            if (node.get(field) == null || !node.get(field).isTextual()) return Either.left("sidecar has no text '" + field + "'");
        }
        for (String field : new String[] {"size", "created"}) {
            if (node.get(field) == null || !node.get(field).canConvertToLong() || !node.get(field).isIntegralNumber()) {
                return Either.left("sidecar has no integer '" + field + "'");
            }
        }
        long generation = 0;
        if (format.asLong() >= 2) {
            JsonNode g = node.get("generation");
            if (g == null || !g.isIntegralNumber() || !g.canConvertToLong()) return Either.left("sidecar has no integer 'generation'");
            generation = g.asLong();
            if (generation < 0) return Either.left("sidecar has a negative generation");
        }
        long size = node.get("size").asLong();
        if (size < 0) return Either.left("sidecar has a negative size");
        Either<String, Md5> md5 = Md5.parse(node.get("md5").asText());
        if (md5.isLeft()) return Either.left("sidecar " + md5.getLeft());
        EntryState state;
        switch (node.get("state").asText()) {
            case "LIVE" -> state = EntryState.LIVE;
            case "UNLINKED" -> state = EntryState.UNLINKED;
            default -> {
                return Either.left("sidecar state '" + node.get("state").asText() + "' is neither LIVE nor UNLINKED");
            }
        }
        Key key;
        try {
            key = new Key(node.get("key").asText());
        } catch (IllegalArgumentException e) {
            return Either.left("sidecar holds an invalid key: " + e.getMessage());
        }
        return Either.right(new Sidecar(key, size, md5.get(), state, Instant.ofEpochMilli(node.get("created").asLong()),
                generation, (int) format.asLong()));
    }
}
