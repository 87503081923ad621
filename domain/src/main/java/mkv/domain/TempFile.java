package mkv.domain;

import io.vavr.control.Option;
import java.util.regex.Pattern;

/**
 * A temp file nginx left on a volume, by its path: only such paths can be made into one, so
 * deleting a {@code TempFile} can never touch a blob or a sidecar. nginx streams a PUT's body into
 * a temp folder and renames it into place when it is complete. Each subvolume has its own temp
 * folder, {@code /svNN/.tmp/}, and the data root one for anything else, {@code /.tmp/}: on the
 * same filesystem as the data, so the rename never turns into a copy. nginx's listings skip
 * dot-names, so these folders never show in a walk. Two kinds of file can be left: an upload
 * whose nginx worker died, {@code /.tmp/0000000042}; and, from volumes whose temp folder was on
 * another filesystem, a copy that failed half-way (a full disk), left beside its destination as
 * {@code <digest>[.<generation>][.key].<10 digits>}.
 */
public record TempFile(String path) {

    /** The name of the temp folder in the data root and in each subvolume. */
    public static final String FOLDER = ".tmp";

    // nginx names both kinds with a 10-digit counter ("%010uD"). Beside a blob, a copy of the blob
    // itself is only taken for one when the counter starts with a zero: <digest>.<g> is a
    // generation's blob, whose number never does, and must never be deleted as a temp file.
    private static final Pattern IN_TEMP_FOLDER = Pattern.compile("/(?:sv(\\d\\d)/)?\\.tmp/[0-9]{10}");
    private static final Pattern FAILED_COPY = Pattern.compile(
            "/sv(\\d\\d)/([0-9a-f]{2})/([0-9a-f]{2})/\\2\\3[0-9a-f]{60}"
                    + "(?:\\.key\\.[0-9]{10}|\\.0[0-9]{9}|\\.[1-9][0-9]{0,18}(?:\\.key)?\\.[0-9]{10})");

    public TempFile {
        if (path == null || subvolumeOf(path).isEmpty()) throw new IllegalArgumentException("not a temp file's path: " + path);
    }

    /** Pure. The temp file at {@code path}, if that is a temp file's path. */
    public static Option<TempFile> parse(String path) {
        return path != null && subvolumeOf(path).isDefined() ? Option.some(new TempFile(path)) : Option.none();
    }

    /** The temp folder of the data root, {@code /.tmp/}. */
    public static String rootFolder() {
        return "/" + FOLDER + "/";
    }

    /** The temp folder of a subvolume, {@code /svNN/.tmp/}. */
    public static String folder(int subvolume) {
        return BlobPath.subvolumeFolder(subvolume) + FOLDER + "/";
    }

    /** The subvolume the file lies in; 0 for the data root's temp folder. */
    public int subvolume() {
        return subvolumeOf(path).get();
    }

    private static Option<Integer> subvolumeOf(String path) {
        var inFolder = IN_TEMP_FOLDER.matcher(path);
        if (inFolder.matches()) return Option.some(inFolder.group(1) == null ? 0 : Integer.parseInt(inFolder.group(1)));
        var copy = FAILED_COPY.matcher(path);
        if (copy.matches()) return Option.some(Integer.parseInt(copy.group(1)));
        return Option.none();
    }
}
