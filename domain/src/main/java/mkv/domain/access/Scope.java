package mkv.domain.access;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.util.Locale;
import java.util.Set;

/** What a token may do; every request of the data API needs exactly one scope. */
public enum Scope {
    READ, WRITE, DELETE, LIST, ADMIN;

    /** The query parameters that make a GET a listing; each needs {@link #LIST}, whatever else the request says. */
    public static final List<String> LISTINGS = List.of("list", "unlinked", "lost", "writing");

    /** As written in a tokens file and in a 403: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Option<Scope> parse(String text) {
        return List.of(values()).find(s -> s.label().equals(text));
    }

    /**
     * Pure. The scope a request of mkv's data API needs, from its method and the names of its
     * query parameters: a listing needs list; GET and HEAD of a key read; PUT and RELINK
     * write (RELINK brings a value back); DELETE and UNLINK delete. Any other method needs
     * read: a caller must hold a token at all to learn that the method is not supported.
     */
    public static Scope needed(String method, Set<String> queryNames) {
        return switch (method) {
            case "GET", "HEAD" -> LISTINGS.exists(queryNames::contains) ? LIST : READ;
            case "PUT", "RELINK" -> WRITE;
            case "DELETE", "UNLINK" -> DELETE;
            default -> READ;
        };
    }
}
