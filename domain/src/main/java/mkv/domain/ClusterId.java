package mkv.domain;

import io.vavr.control.Either;
import java.util.regex.Pattern;

/**
 * The identity of one cluster: written once into its index and into a marker file on each of
 * its volumes, so a wrong index, a wrong volume list or another cluster's volume is recognised
 * by name instead of guessed from what the files look like.
 */
public record ClusterId(String value) {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public ClusterId {
        if (value == null || !FORM.matcher(value).matches()) throw new IllegalArgumentException("not a cluster id: " + value);
    }

    /** Parses the text of a marker or an index row; the error says what is wrong. */
    public static Either<String, ClusterId> parse(String text) {
        String s = text == null ? "" : text.trim();
        return FORM.matcher(s).matches() ? Either.right(new ClusterId(s)) : Either.left("'" + s + "' is not a cluster id");
    }

    @Override
    public String toString() {
        return value;
    }
}
