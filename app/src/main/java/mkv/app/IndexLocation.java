package mkv.app;

import io.vavr.control.Either;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where the index is, as {@code --db} names it: a plain path (or {@code sqlite:PATH}) is a
 * SQLite file; any other {@code SCHEME://…} names an index adapter this build does not have
 * yet, and is refused by name. {@link Indexes} opens each kind with its own adapter.
 */
sealed interface IndexLocation {

    /** The SQLite index in one file, its WAL files and lock beside it. */
    record SqliteFile(Path file) implements IndexLocation {
        @Override
        public String toString() {
            return file.toString();
        }
    }

    /** The index adapters a location can name, for the refusal of any other. */
    String KNOWN = "a path or sqlite:PATH for a SQLite file";

    Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://.*");

    /** Reads {@code --db} for the admin commands, with the same words as the server's settings. */
    final class Converter implements picocli.CommandLine.ITypeConverter<IndexLocation> {
        @Override
        public IndexLocation convert(String value) {
            return parse(value).getOrElseThrow((String why) -> new picocli.CommandLine.TypeConversionException(why));
        }
    }

    /** Reads {@code --db}: every way it can be wrong, in words. */
    static Either<String, IndexLocation> parse(String text) {
        if (text == null || text.isBlank()) return Either.left("no index given (" + KNOWN + ")");
        String path = text.startsWith("sqlite:") ? text.substring("sqlite:".length()) : text;
        if (path.startsWith("//")) path = path.substring(2); // sqlite:///var/lib/mkv/index.db
        var scheme = SCHEME.matcher(path);
        if (scheme.matches()) {
            return Either.left("no index adapter for '" + scheme.group(1) + "://' in this build (" + KNOWN + ")");
        }
        if (path.isBlank()) return Either.left("'" + text + "' names no file (" + KNOWN + ")");
        try {
            return Either.right(new SqliteFile(Path.of(path)));
        } catch (InvalidPathException e) {
            return Either.left("'" + text + "' is not a path: " + e.getReason());
        }
    }
}
