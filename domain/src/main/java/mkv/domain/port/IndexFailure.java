package mkv.domain.port;

/** The index could not be read or written: the one failure mkv answers with a 500. */
public final class IndexFailure extends RuntimeException {

    /** Why the index failed: the difference decides whether waiting can help. */
    public enum Kind {
        /** Closed, busy, interrupted, or an IO error: the index itself may be intact. */
        UNAVAILABLE,
        /** The file is damaged (SQLite reports it malformed, or a row or the key order is impossible): only a rebuild from the volumes repairs it. */
        CORRUPT
    }

    private final Kind kind;

    public IndexFailure(String message, Throwable cause) {
        this(Kind.UNAVAILABLE, message, cause);
    }

    public IndexFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static IndexFailure corrupt(String message, Throwable cause) {
        return new IndexFailure(Kind.CORRUPT, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isCorrupt() {
        return kind == Kind.CORRUPT;
    }
}
