package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;

/**
 * One page request of a listing: keys under {@code prefix}, from {@code start} on, at most
 * {@code limit} of them.
 */
public record ListQuery(String prefix, Option<Key> start, int limit) {

    public static final int DEFAULT_LIMIT = 1000;

    /**
     * Pure. Validates the query parameters as they arrived (null when absent); the error
     * names the parameter.
     */
    public static Either<String, ListQuery> parse(String prefix, String start, String limit, int maxLimit, int maxKeyBytes) {
        int n = DEFAULT_LIMIT > maxLimit ? maxLimit : DEFAULT_LIMIT;
        if (limit != null) {
            try {
                n = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                return Either.left("limit must be a whole number from 1 to " + maxLimit + ", not '" + limit + "'");
            }
            if (n < 1 || n > maxLimit) return Either.left("limit must be from 1 to " + maxLimit + ", not " + n);
        }
        Option<Key> from = Option.none();
        if (start != null && !start.isEmpty()) {
            var parsed = Key.of(start, maxKeyBytes);
            if (parsed.isLeft()) return Either.left("start is not a valid key: " + parsed.getLeft().reason());
            from = Option.of(parsed.get());
        }
        return Either.right(new ListQuery(prefix, from, n));
    }

    /** A page of keys and the key to start the next page from ({@code ""} at the end). */
    public record Page(Seq<Key> keys, String next) {}

    /**
     * Pure. {@code fetched} holds up to limit+1 keys in order: the extra one, if present,
     * is where the next page starts.
     */
    public Page page(Seq<Key> fetched) {
        if (fetched.size() <= limit) return new Page(fetched, "");
        return new Page(fetched.take(limit), fetched.get(limit).value());
    }
}
