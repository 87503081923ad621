package mkv.domain;

import io.vavr.control.Option;
import java.util.regex.Pattern;

/**
 * Where one generation of a key's blob lives on a volume: {@code /svNN/aa/bb/<hex sha-256 of the
 * key>} for generation 0 (values written before generations), {@code /svNN/aa/bb/<digest>.<g>}
 * for generation g ≥ 1, each with its {@code .key} sidecar beside it. The path never contains
 * the key's own characters, so any valid key is safe on disk and in a URL; two generations of a
 * key never share a path, so no write can overwrite another generation's bytes. Pinned by
 * golden tests: changing it orphans data.
 */
public record BlobPath(int subvolume, String digest, long generation) {

    /** Subvolume folders are named sv00..sv99. */
    public static final int MAX_SUBVOLUMES = Replica.MAX_SUBVOLUMES;

    private static final Pattern BLOB = Pattern.compile(
            "/sv(\\d\\d)/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})(?:\\.([1-9][0-9]{0,18}))?");

    public BlobPath {
        if (subvolume < 0 || subvolume >= MAX_SUBVOLUMES) throw new IllegalArgumentException("subvolume out of range: " + subvolume);
        if (!isDigest(digest)) throw new IllegalArgumentException("not a sha-256 hex digest: " + digest);
        if (generation < 0) throw new IllegalArgumentException("negative generation: " + generation);
    }

    /** 64 lower-case hex digits; a loop, not a regex: every redirect a GET answers with builds a BlobPath. */
    private static boolean isDigest(String digest) {
        if (digest == null || digest.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char c = digest.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }

        /** A generation-0 path: the layout of values written before generations. */
    public BlobPath(int subvolume, String digest) {
        this(subvolume, digest, 0);
    }

    public static BlobPath of(Key key, int subvolume) {
        return new BlobPath(subvolume, key.digest(), 0);
    }

    public static BlobPath of(Key key, Replica replica) {
        return of(key, replica.subvolume());
    }

    public static BlobPath of(Key key, long generation, Replica replica) {
        return new BlobPath(replica.subvolume(), key.digest(), generation);
    }

    /** The folder of a subvolume, {@code /svNN/}. */
    public static String subvolumeFolder(int subvolume) {
        return String.format("/sv%02d/", subvolume);
    }

    /** The file name's suffix after the digest: empty for generation 0, else {@code .<g>}. */
    public static String suffix(long generation) {
        return generation == 0 ? "" : "." + generation;
    }

    /** The two files at a blob path: the value's bytes, and the sidecar describing them. */
    public enum Part { BLOB, SIDECAR }

    /** The path of one of the two files. */
    public String path(Part part) {
        return part == Part.BLOB ? path() : sidecarPath();
    }

    /**
     * The blob's path on its volume, {@code /svNN/aa/bb/<digest>[.<g>]}. Built by appends, not
     * {@code String.format}: every redirect a GET answers with carries one.
     */
    public String path() {
        var path = new StringBuilder(90).append("/sv").append((char) ('0' + subvolume / 10)).append((char) ('0' + subvolume % 10))
                .append('/').append(digest, 0, 2).append('/').append(digest, 2, 4).append('/').append(digest);
        if (generation != 0) path.append('.').append(generation);
        return path.toString();
    }

    /** The sidecar's path: the blob's path with {@code .key} appended. */
    public String sidecarPath() {
        return path() + ".key";
    }

    /** Reads a blob path back (as found in a volume listing); none for anything else. */
    public static Option<BlobPath> parse(String path) {
        var m = BLOB.matcher(path);
        if (!m.matches()) return Option.none();
        String digest = m.group(4);
        if (!digest.startsWith(m.group(2) + m.group(3))) return Option.none();
        long generation;
        try {
            generation = m.group(5) == null ? 0 : Long.parseLong(m.group(5));
        } catch (NumberFormatException e) {
            return Option.none(); // more digits than a long holds
        }
        return Option.of(new BlobPath(Integer.parseInt(m.group(1)), digest, generation));
    }
}
