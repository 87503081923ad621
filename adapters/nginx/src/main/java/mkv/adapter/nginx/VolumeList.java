package mkv.adapter.nginx;

import io.vavr.collection.LinkedHashSet;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.collection.Set;
import io.vavr.control.Either;
import mkv.domain.Volume;

/**
 * Pure. A list of volumes as an operator writes it: {@code host:port}, {@code http://host:port}
 * or {@code https://host:port}. The scheme says only how to reach a volume; its identity, and so
 * its place on the ring, is {@code host:port} whatever the scheme, so turning TLS on moves no key.
 */
public record VolumeList(Seq<Volume> volumes, Set<Volume> https) {

    public VolumeList {
        if (!volumes.toSet().containsAll(https)) throw new IllegalArgumentException("an https volume is not in the list: " + https);
    }

    /** Plain-http volumes. */
    public static VolumeList http(Seq<Volume> volumes) {
        return new VolumeList(volumes, LinkedHashSet.empty());
    }

    /** Parses each entry; every bad one is named. An empty entry is skipped. */
    public static Either<List<String>, VolumeList> parse(Iterable<String> entries) {
        List<String> texts = List.ofAll(entries).map(String::trim).filter(t -> !t.isEmpty());
        List<Either<String, Volume>> parsed = texts.map(VolumeList::parseOne);
        List<String> errors = parsed.filter(Either::isLeft).map(Either::getLeft);
        if (!errors.isEmpty()) return Either.left(errors);
        List<Volume> volumes = parsed.map(Either::get);
        Set<Volume> https = LinkedHashSet.ofAll(texts.zip(volumes).filter(t -> t._1.regionMatches(true, 0, "https://", 0, 8)).map(t -> t._2));
        return Either.right(new VolumeList(volumes, https));
    }

    /** Parses a comma-separated list. */
    public static Either<List<String>, VolumeList> parse(String commaSeparated) {
        return parse(List.of(commaSeparated.split(",")));
    }

    private static Either<String, Volume> parseOne(String text) {
        int scheme = text.indexOf("://");
        if (scheme < 0) return Volume.parse(text);
        String name = text.substring(0, scheme).toLowerCase(java.util.Locale.ROOT);
        if (!name.equals("http") && !name.equals("https")) {
            return Either.left("volume '" + text + "' has scheme '" + name + "'; write http://, https:// or neither");
        }
        String written = text.substring(scheme + 3);
        String rest = written.endsWith("/") ? written.substring(0, written.length() - 1) : written;
        if (rest.contains("/")) return Either.left("volume '" + text + "' has a path; write only scheme://host:port");
        return Volume.parse(rest).mapLeft(why -> why.replace("'" + rest + "'", "'" + text + "'"));
    }

    /**
     * {@code https://} or {@code http://} for a volume. One not in the list (removed from it, its
     * replicas not yet moved by a rebalance) is reached over https when every listed volume is.
     */
    public String scheme(Volume volume) {
        // On every GET's path: hash lookups only, no walk of the list.
        if (https.isEmpty()) return "http://";
        if (https.contains(volume)) return "https://";
        // Not an https volume of the list: an http one, unless every listed volume is https.
        return https.size() == volumes.size() ? "https://" : "http://";
    }

    /** The list as it would be written: https volumes with their scheme, the others bare. */
    @Override
    public String toString() {
        return volumes.map(v -> https.contains(v) ? "https://" + v : v.toString()).mkString(",");
    }
}
