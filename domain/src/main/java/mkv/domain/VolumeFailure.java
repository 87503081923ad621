package mkv.domain;

/** Why a call to a volume failed: a value, never an exception. */
public sealed interface VolumeFailure {

    /** Could not connect (refused, no route, DNS): the call never reached the volume. */
    record Unreachable(String detail) implements VolumeFailure {}

    /** The connection broke mid-call: whether the volume carried the call out is unknown. */
    record Lost(String detail) implements VolumeFailure {}

    /** Connected, but the volume did not answer within the timeout. */
    record TimedOut(String detail) implements VolumeFailure {}

    /** The volume answered with a status that means failure. */
    record Refused(int status) implements VolumeFailure {}

    /** The volume (or the client feeding it) stopped before every byte arrived. */
    record ShortWrite(long expected, long written) implements VolumeFailure {}

    /** The stored bytes are not what the index says (size or md5). */
    record Mismatch(String detail) implements VolumeFailure {}

    default String describe() {
        return switch (this) {
            case Unreachable u -> "unreachable: " + u.detail();
            case Lost l -> "connection lost: " + l.detail();
            case TimedOut t -> "timed out: " + t.detail();
            case Refused r -> "answered HTTP " + r.status();
            case ShortWrite s -> "short write: " + s.written() + " of " + (s.expected() < 0 ? "?" : s.expected()) + " bytes";
            case Mismatch m -> "mismatch: " + m.detail();
        };
    }
}
