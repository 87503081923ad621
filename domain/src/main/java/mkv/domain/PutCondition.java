package mkv.domain;

import io.vavr.control.Either;

/**
 * What a PUT asks of the value it may replace, as HTTP's conditional headers say it: create
 * only (no header, or {@code If-None-Match: *}), replace whatever value is live
 * ({@code If-Match: *}), or replace exactly the live value with this md5
 * ({@code If-Match: "<md5 hex>"}).
 */
public sealed interface PutCondition {

    /** No condition, or {@code If-None-Match: *}: a live key is refused (403), as minikeyvalue does. */
    record CreateOnly() implements PutCondition {}

    /** {@code If-Match: *}: replace the live value; 404 when there is none. */
    record ReplaceAny() implements PutCondition {}

    /** {@code If-Match: "<md5 hex>"}: replace the live value only if its md5 is this one; else 412. */
    record ReplaceIf(Md5 md5) implements PutCondition {}

    /**
     * Pure. Reads the two headers (null when absent; quoted or bare md5 hex, any case). A
     * request with both, or with anything else in them, is refused with the reason: a
     * condition that cannot be understood must not be guessed at.
     */
    static Either<String, PutCondition> parse(String ifMatch, String ifNoneMatch) {
        if (ifMatch != null && ifNoneMatch != null) return Either.left("send If-Match or If-None-Match, not both");
        if (ifNoneMatch != null) {
            return ifNoneMatch.trim().equals("*") ? Either.right(new CreateOnly())
                    : Either.left("If-None-Match takes only * (create only), not '" + ifNoneMatch + "'");
        }
        if (ifMatch == null) return Either.right(new CreateOnly());
        String tag = ifMatch.trim();
        if (tag.equals("*")) return Either.right(new ReplaceAny());
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) tag = tag.substring(1, tag.length() - 1);
        return Md5.parse(tag.toLowerCase(java.util.Locale.ROOT)).<PutCondition>map(ReplaceIf::new)
                .mapLeft(why -> "If-Match takes * or one md5 as 32 hex digits (quoted or bare), not '" + ifMatch + "'");
    }
}
