package mkv.domain;

import io.vavr.collection.Seq;
import java.time.Duration;

/** Every way a listing can end: a page, or why there is none. */
public sealed interface ListResult {

    /** A page of keys (live, unlinked or lost); {@code next} is where the next page starts, {@code ""} at the end. */
    record Keys(Seq<Key> keys, String next) implements ListResult {}

    /** A page of the rows in flight ({@code ?writing}), what each is doing and since when; {@code next} as for {@link Keys}. */
    record Writing(Seq<InFlight> rows, String next) implements ListResult {}

    /** The prefix is not a usable key prefix. */
    record InvalidPrefix(InvalidKey invalid) implements ListResult {}

    /** {@code start} or {@code limit} cannot be used; {@code reason} names the parameter. */
    record BadQuery(String reason) implements ListResult {}

    /**
     * This client listed more often than the listing limit allows: a prefix scan is the one
     * request whose cost the client chooses. Nothing was read; retry after {@code retryAfter}.
     */
    record TooMany(Duration retryAfter) implements ListResult {}
}
