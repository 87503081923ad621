package mkv.domain;

import io.vavr.collection.Seq;

/**
 * Every way a read of a key can end, as the data API answers it: where to read the value, or
 * why there is nowhere. ({@link ReadResult} is the pure choice of a replica this is made from.)
 */
public sealed interface GetResult {

    /** Read the value at {@code url}; {@code md5} and {@code volumes} describe it. */
    record Found(String url, Md5 md5, Seq<Volume> volumes) implements GetResult {}

    /** The key is not here and a fallback server is configured (a cluster being migrated from): read it at {@code location}. */
    record Fallback(String location) implements GetResult {}

    /** No such key, or it is unlinked or still being written, and no fallback is configured. */
    record Absent() implements GetResult {}

    /** {@code mkv verify} found no replica holding the value. */
    record Lost() implements GetResult {}

    /** The key exists but every one of its replicas' {@code volumes} is down. */
    record Unavailable(Seq<Volume> volumes) implements GetResult {}
}
