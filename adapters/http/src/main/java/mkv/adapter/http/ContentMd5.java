package mkv.adapter.http;

import io.vavr.control.Either;
import io.vavr.control.Option;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import mkv.domain.Md5;

/**
 * Reads a {@code Content-MD5} request header: the 16 digest bytes in base64 as RFC 1864 says,
 * or 32 hex digits as minikeyvalue's clients send. The two cannot be confused: base64 of 16
 * bytes is 22 characters (24 with its {@code ==} padding), never 32.
 */
final class ContentMd5 {
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{32}");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]{21}[AQgw](==)?");

    private ContentMd5() {}

    /** The md5 a request declares in its Content-MD5 header(s): none, one, or why it cannot be used (for a 400). */
    static Either<String, Option<Md5>> declared(List<String> headerValues) {
        if (headerValues.isEmpty()) return Either.right(Option.none());
        if (headerValues.size() > 1) return Either.left("send at most one Content-MD5 header, not " + headerValues.size());
        return parse(headerValues.getFirst()).map(Option::some);
    }

    /** The md5 one header value names, or why it names none. */
    static Either<String, Md5> parse(String value) {
        String v = value.strip();
        if (HEX.matcher(v).matches()) return Md5.parse(v);
        if (BASE64.matcher(v).matches()) return Either.right(Md5.of(Base64.getDecoder().decode(v)));
        return Either.left("Content-MD5 must be the body's md5 as base64 (RFC 1864, e.g. XUFAKrxLKna5cZ2REBfFkg==)"
                + " or as 32 hex digits, not '" + (v.length() > 64 ? v.substring(0, 64) + "..." : v) + "'");
    }
}
