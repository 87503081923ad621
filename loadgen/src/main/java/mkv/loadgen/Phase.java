package mkv.loadgen;

/** What each operation of a run does, and the answer that counts as success. */
public enum Phase {
    /** PUT a fresh key: 201. */
    PUT,
    /** GET a key written before: 302 (or 200 with --follow). */
    GET,
    /** GET a key that does not exist: 404. */
    GET_MISSING,
    /** DELETE a key written before: 204. */
    DELETE,
    /** PUT, GET, DELETE of one fresh key, one after the other: the minikeyvalue thrasher's loop. */
    CYCLE;

    /** The name on the command line: put, get, get-missing, delete, cycle. */
    public String flag() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Phase parse(String text) {
        for (Phase p : values()) if (p.flag().equals(text.trim().toLowerCase(java.util.Locale.ROOT))) return p;
        throw new IllegalArgumentException("unknown phase '" + text + "'; use put, get, get-missing, delete or cycle");
    }

    /** Whether each operation makes a key of its own (and so never runs out within a duration). */
    boolean freshKeys() {
        return this == PUT || this == CYCLE;
    }
}
