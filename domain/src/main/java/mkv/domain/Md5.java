package mkv.domain;

import io.vavr.control.Either;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A blob's MD5, as 32 lowercase hex digits: what {@code Content-Md5} answers and sidecars keep. */
public record Md5(String hex) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{32}");

    public Md5 {
        if (hex == null || !HEX.matcher(hex).matches()) throw new IllegalArgumentException("not an md5 hex digest: " + hex);
    }

    public static Md5 of(byte[] digest) {
        return new Md5(HexFormat.of().formatHex(digest));
    }

    public static Either<String, Md5> parse(String hex) {
        String h = hex == null ? "" : hex.toLowerCase(java.util.Locale.ROOT);
        return HEX.matcher(h).matches() ? Either.right(new Md5(h)) : Either.left("not an md5 hex digest: " + hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
