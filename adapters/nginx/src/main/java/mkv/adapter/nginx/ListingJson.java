package mkv.adapter.nginx;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vavr.collection.Seq;
import io.vavr.collection.Vector;
import io.vavr.control.Either;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import mkv.domain.port.Listing;

/**
 * Pure. Reads nginx's {@code autoindex_format json} listing: one array of
 * {@code {"name","type","mtime"[,"size"]}}, read element by element so a large folder is never
 * held twice. Anything that does not fit is an error, never a guess.
 */
final class ListingJson {
    private ListingJson() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static Either<String, Seq<Listing.Item>> decode(InputStream in) {
        try (JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) return Either.left("folder listing is not a JSON array");
            Vector<Listing.Item> items = Vector.empty();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                JsonNode node = JSON.readTree(parser);
                Either<String, Listing.Item> item = item(node);
                if (item.isLeft()) return Either.left(item.getLeft());
                items = items.append(item.get());
            }
            return Either.right(items);
        } catch (IOException e) {
            return Either.left("folder listing is not JSON: " + e.getMessage());
        }
    }

    private static Either<String, Listing.Item> item(JsonNode node) {
        JsonNode name = node.get("name"), type = node.get("type"), mtime = node.get("mtime"), size = node.get("size");
        if (name == null || !name.isTextual() || type == null || !type.isTextual()) return Either.left("listing entry without name or type: " + node);
        boolean folder = type.asText().equals("directory");
        Instant modified = Instant.EPOCH;
        if (mtime != null && mtime.isTextual()) {
            try {
                modified = ZonedDateTime.parse(mtime.asText(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                return Either.left("listing entry with an unreadable mtime: " + mtime.asText());
            }
        }
        long bytes = size != null && size.canConvertToLong() ? size.asLong() : 0;
        return Either.right(new Listing.Item(name.asText(), folder, bytes, modified));
    }
}
