package mkv.domain.port;

/**
 * Where the admin tools report how far they got: counters to add to, and findings worth a line
 * of their own. The use cases count; the shell decides how (and how often) to show it.
 */
public interface Progress {

    /** What the tools count. */
    enum Counter { VOLUMES_SCANNED, PREFIXES_FOUND, PREFIXES_WALKED, FOLDERS_LISTED, KEYS_FOUND, ENTRIES_CHECKED, KEYS_MOVED, BYTES_COPIED, FINDINGS, REPAIRED, ERRORS }

    void add(Counter counter, long n);

    /** A finding or error, one line of text, e.g. a damaged replica. */
    void note(String line);

    /** Counts nothing and says nothing: for tests and quiet runs. */
    static Progress none() {
        return new Progress() {
            @Override
            public void add(Counter counter, long n) {}

            @Override
            public void note(String line) {}
        };
    }
}
