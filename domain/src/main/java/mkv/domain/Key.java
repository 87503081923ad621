package mkv.domain;

import io.vavr.control.Either;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A key: the request path, percent-decoded, leading {@code /} included. Validated once at the
 * edge, so everything past the HTTP shell holds only keys that can be stored and listed.
 */
public record Key(String value) implements Comparable<Key> {

    /** The default limit on a key's UTF-8 length, in bytes. */
    public static final int DEFAULT_MAX_BYTES = 1024;

    public Key {
        if (value == null || check(value, DEFAULT_MAX_BYTES_CEILING, false) != null) {
            throw new IllegalArgumentException("not a valid key: " + value);
        }
    }

    // The constructor guards the invariants every key shares; the configurable length
    // limit is applied by parse/of, so a larger configured limit still builds keys.
    private static final int DEFAULT_MAX_BYTES_CEILING = 64 * 1024;

    /** Validates an already decoded key. */
    public static Either<InvalidKey, Key> of(String decoded, int maxBytes) {
        String why = check(decoded, maxBytes, false);
        return why == null ? Either.right(new Key(decoded)) : Either.left(new InvalidKey(why, decoded));
    }

    /** Decodes and validates the raw (still percent-encoded) request path. */
    public static Either<InvalidKey, Key> parse(String rawPath, int maxBytes) {
        return PercentDecoding.decode(rawPath).flatMap(decoded -> of(decoded, maxBytes));
    }

    /**
     * Decodes and validates a listing prefix: the same rules as a key, except that the bare
     * {@code /} (everything) is allowed.
     */
    public static Either<InvalidKey, String> parsePrefix(String rawPath, int maxBytes) {
        return PercentDecoding.decode(rawPath).flatMap(decoded -> {
            String why = check(decoded, maxBytes, true);
            return why == null ? Either.right(decoded) : Either.left(new InvalidKey(why, decoded));
        });
    }

    /** Null when {@code s} is a valid key (or prefix), else the reason it is not. */
    private static String check(String s, int maxBytes, boolean prefix) {
        if (s == null || s.isEmpty()) return "key is empty";
        if (s.charAt(0) != '/') return "key must start with /";
        if (!prefix && s.length() == 1) return "key must name something after /";
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return String.format("key contains the control character U+%04X", (int) c);
            }
            if (c == '\uFFFD') {
                // The HTTP server turns invalid UTF-8 into U+FFFD silently; refusing the character
                // is the only way to refuse the invalid bytes, rather than store a different key.
                return "key contains U+FFFD, the mark of invalid UTF-8";
            }
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length()
                        && Character.isLowSurrogate(s.charAt(i + 1));
                if (!paired) return "key contains an unpaired surrogate";
                i++;
            }
        }
        if (hasDotSegment(s)) return "key contains a '.' or '..' segment, which clients and proxies rewrite";
        int bytes = utf8Length(s);
        if (bytes > maxBytes) return "key is " + bytes + " bytes of UTF-8, over the limit of " + maxBytes;
        return null;
    }

    /** Whether a segment between slashes (or after the last) is "." or "..". No allocation: this runs on every request. */
    private static boolean hasDotSegment(String s) {
        int start = 0; // s starts with '/', so every segment starts after a slash
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '/') {
                int len = i - start;
                if ((len == 1 || len == 2) && s.charAt(start) == '.' && (len == 1 || s.charAt(start + 1) == '.')) return true;
                start = i + 1;
            }
        }
        return false;
    }

    /** The UTF-8 length of a string whose surrogates are paired (check() has seen to that). */
    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n += 1;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }

    public byte[] bytes() {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** Hex SHA-256 of the key's UTF-8 bytes: the name of its blob on every volume. */
    public String digest() {
        return HexFormat.of().formatHex(digestBytes());
    }

    /** Raw SHA-256 of the key's UTF-8 bytes: places the key on the ring. */
    public byte[] digestBytes() {
        return sha256(bytes());
    }

    static byte[] sha256(byte[] input) {
        try {
            // Cloning a prototype skips the provider lookup of getInstance (measured: about 3% of a GET).
            return ((MessageDigest) SHA256.clone()).digest(input);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 is cloneable", e);
        }
    }

    private static final MessageDigest SHA256 = sha256Prototype();

    private static MessageDigest sha256Prototype() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Bytewise order of the UTF-8 encoding: the order of listings. */
    @Override
    public int compareTo(Key other) {
        return java.util.Arrays.compareUnsigned(bytes(), other.bytes());
    }

    @Override
    public String toString() {
        return value;
    }
}
