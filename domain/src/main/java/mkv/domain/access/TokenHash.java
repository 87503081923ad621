package mkv.domain.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The SHA-256 of a token: what mkv keeps in memory instead of the token, compared in constant
 * time so that how long a comparison takes tells a caller nothing about how close a guess was.
 * A class, not a record, so that its bytes never leak through {@code equals} or {@code toString}.
 */
public final class TokenHash {
    private final byte[] digest;

    private TokenHash(byte[] digest) {
        this.digest = digest;
    }

    public static TokenHash of(String token) {
        try {
            return new TokenHash(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Constant time in the digests' content (both are 32 bytes). */
    public boolean matches(TokenHash other) {
        return MessageDigest.isEqual(digest, other.digest);
    }

    @Override
    public String toString() {
        return "TokenHash[hidden]";
    }
}
