package mkv.adapter.nginx;

import io.vavr.collection.List;
import io.vavr.control.Either;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The secrets volumes and mkv share, from a secret file: one {@code KEYID SECRET} per line,
 * {@code #} starting a comment. The first key signs; every key is accepted by the volumes, so
 * during a rotation the new and the old key are both listed (docs/SECURITY.md). Key ids and
 * secrets keep to characters that need no quoting in a URL or in nginx.conf.
 */
public record SigningKeys(List<SigningKeys.Key> keys) {

    /** One secret and the id a signed URL names it by. */
    public record Key(String id, String secret) {
        @Override
        public String toString() {
            return "Key[" + id + "]"; // never the secret, not even in a log line or a failed assertion
        }
    }

    private static final Pattern ID = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_+/=.~-]{16,256}");

    public SigningKeys {
        if (keys == null || keys.isEmpty()) throw new IllegalArgumentException("a secret file needs at least one key");
        if (keys.map(Key::id).distinct().size() != keys.size()) throw new IllegalArgumentException("a key id is listed twice");
    }

    /** The key that signs: the first listed. */
    public Key signing() {
        return keys.head();
    }

    /** Pure. The keys a secret file's text lists, or what is wrong with it (never quoting a secret). */
    public static Either<String, SigningKeys> parse(String text) {
        List<Key> found = List.empty();
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            if (parts.length != 2) return Either.left("line " + n + ": write 'KEYID SECRET' (two words), such as 'k1 " + "<32 random bytes, base64>'");
            if (!ID.matcher(parts[0]).matches()) return Either.left("line " + n + ": key id '" + parts[0] + "' must be 1-32 of a-z 0-9 _ -");
            if (!SECRET.matcher(parts[1]).matches()) {
                return Either.left("line " + n + ": the secret must be 16-256 characters of A-Z a-z 0-9 _ + / = . ~ -");
            }
            String id = parts[0];
            if (found.exists(k -> k.id().equals(id))) return Either.left("line " + n + ": key id '" + id + "' is listed twice");
            found = found.append(new Key(id, parts[1]));
        }
        return found.isEmpty() ? Either.left("no key in it: write one 'KEYID SECRET' line") : Either.right(new SigningKeys(found));
    }

    /**
     * Reads a secret file; refused when others than its owner and group may read it (as ssh
     * refuses a private key), since whoever reads it can forge any request to every volume.
     */
    public static Either<String, SigningKeys> read(Path file) {
        try {
            if (!Files.isRegularFile(file)) return Either.left(file + ": no such file");
            try {
                if (Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ)) {
                    return Either.left(file + ": anyone may read it; chmod 600 " + file);
                }
            } catch (UnsupportedOperationException notPosix) {
                // no POSIX permissions to check on this filesystem
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8)).mapLeft(why -> file + ": " + why);
        } catch (IOException | RuntimeException e) {
            return Either.left(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** A new secret file's text: key id {@code k1} and 32 random bytes, base64url. */
    public static String generate(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "# mkv's secret: the volumes accept only requests signed with it. Keep it private (mode 600).\n"
                + "k1 " + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n";
    }
}
