package mkv.adapter.nginx;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Pure. Signs volume URLs the way the generated nginx.conf checks them ({@link NginxConfig}):
 * {@code sig = base64url(md5(EXPIRES + METHOD + URI + " " + SECRET))} without padding, HEAD
 * signed as GET, appended as {@code ?kid=ID&expires=EXPIRES&sig=SIG}. The secret comes last, so
 * a signature cannot be extended to a longer path (MD5's length extension needs it first).
 * Built once per key set: the per-request cost is one MD5 of about 120 bytes and a few appends.
 */
public final class UrlSigner {

    /** Signs nothing: for a cluster run with {@code --insecure} and no secret file. */
    public static final UrlSigner UNSIGNED = new UrlSigner(null);

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final SigningKeys keys;
    private final byte[] suffix;
    private final String kid;
    private final MessageDigest prototype;

    public UrlSigner(SigningKeys keys) {
        this.keys = keys;
        this.suffix = keys == null ? null : (" " + keys.signing().secret()).getBytes(StandardCharsets.US_ASCII);
        this.kid = keys == null ? null : "?kid=" + keys.signing().id() + "&expires=";
        this.prototype = md5();
    }

    public boolean signs() {
        return keys != null;
    }

    /** The keys it signs with (the first) and the volumes accept (all); none when unsigned. */
    public io.vavr.control.Option<SigningKeys> keys() {
        return io.vavr.control.Option.of(keys);
    }

    /**
     * {@code base + path}, signed for {@code method} until {@code expires} (seconds since the
     * epoch). {@code path} must be the exact URI nginx will see ({@code $uri}): mkv's blob,
     * sidecar and folder paths need no percent-encoding, so the raw path is that URI.
     */
    public String sign(String method, String base, String path, long expires) {
        var url = new StringBuilder(base.length() + path.length() + 72).append(base).append(path);
        return append(url, method, path, expires).toString();
    }

    /** Appends the query that signs {@code path} to {@code url}, which ends with that path. */
    StringBuilder append(StringBuilder url, String method, String path, long expires) {
        if (keys == null) return url;
        String e = Long.toString(expires);
        MessageDigest md5 = digest();
        md5.update(e.getBytes(StandardCharsets.US_ASCII));
        md5.update(("HEAD".equals(method) ? "GET" : method).getBytes(StandardCharsets.US_ASCII));
        md5.update(path.getBytes(StandardCharsets.UTF_8));
        md5.update(suffix);
        return url.append(kid).append(e).append("&sig=").append(BASE64URL.encodeToString(md5.digest()));
    }

    /** Pure. The signature alone, as nginx computes it: for tests and known vectors. */
    public static String signature(String secret, long expires, String method, String uri) {
        byte[] text = (expires + ("HEAD".equals(method) ? "GET" : method) + uri + " " + secret).getBytes(StandardCharsets.UTF_8);
        return BASE64URL.encodeToString(md5().digest(text));
    }

    private MessageDigest digest() {
        try {
            return (MessageDigest) prototype.clone(); // cheaper than a provider lookup per request
        } catch (CloneNotSupportedException e) {
            return md5();
        }
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
