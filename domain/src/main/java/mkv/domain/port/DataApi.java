package mkv.domain.port;

import io.vavr.control.Either;
import mkv.domain.DeleteResult;
import mkv.domain.GetResult;
import mkv.domain.InvalidKey;
import mkv.domain.Key;
import mkv.domain.ListResult;
import mkv.domain.PutCondition;
import mkv.domain.PutResult;

/**
 * The data API: what a client may ask of keys, the driving port every client-facing adapter
 * calls (HTTP today; an S3 adapter would map the same calls). The adapter turns a request into
 * these calls and each sealed result into its answer, deciding nothing itself. Any call may
 * throw {@link IndexFailure} when the index cannot be read or is damaged: never a partial answer.
 */
public interface DataApi {

    /**
     * The key a request names, from its raw (still percent-encoded) path, under the configured
     * length limit, or why it is not a usable key. The one place a key is parsed: every other
     * call takes what this returns.
     */
    Either<InvalidKey, Key> key(String rawPath);

    /**
     * Where to read the key's value. {@code rawPath}: the key as the request named it, which a
     * redirect to the fallback server repeats byte for byte.
     */
    GetResult get(Key key, String rawPath);

    /** Stores a value under the condition on the value it may replace. */
    PutResult put(Key key, PutCondition condition, Body body, String requestId);

    /** Removes the key and its files. */
    DeleteResult delete(Key key, String requestId);

    /** Soft-deletes the key: it reads as absent, its bytes stay. */
    DeleteResult unlink(Key key, String requestId);

    /** Restores an unlinked key. */
    DeleteResult relink(Key key, String requestId);

    /** One page of a listing. */
    ListResult list(ListKeys request);
}
