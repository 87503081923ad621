package mkv.domain.port;

import io.vavr.control.Option;

/**
 * A listing as a client asks for it: which keys, under the prefix as the request named it (still
 * percent-encoded), from {@code start} on, at most {@code limit} of them (both as sent, none when
 * absent), and who asks ({@code client}: the address listings are limited per).
 */
public record ListKeys(Which which, String prefix, Option<String> start, Option<String> limit, String client) {

    /** The keys to list: by state, or the rows in flight (being written, deleted or replaced). */
    public enum Which { LIVE, UNLINKED, LOST, IN_FLIGHT }

    public ListKeys {
        if (which == null || prefix == null || start == null || limit == null || client == null) {
            throw new IllegalArgumentException("a listing names what, where and who; absent parameters are Option.none()");
        }
    }
}
