package mkv.domain;

import io.vavr.control.Either;

/** A volume: one nginx server, addressed as host:port. */
public record Volume(String host, int port) implements Comparable<Volume> {

    public Volume {
        if (host == null || host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ',')) {
            throw new IllegalArgumentException("invalid volume host: " + host);
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("invalid volume port: " + port);
    }

    /** Parses {@code host:port}; the error names what is wrong. */
    public static Either<String, Volume> parse(String text) {
        String s = text == null ? "" : text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return Either.left("volume '" + s + "' is not host:port");
        }
        String host = s.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            return Either.left("volume '" + s + "' has a port that is not a number");
        }
        if (port < 1 || port > 65535) return Either.left("volume '" + s + "' has a port outside 1-65535");
        if (host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ',')) {
            return Either.left("volume '" + s + "' has an invalid host");
        }
        return Either.right(new Volume(host, port));
    }

    @Override
    public int compareTo(Volume o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
