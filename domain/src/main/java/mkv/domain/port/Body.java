package mkv.domain.port;

import io.vavr.control.Option;
import java.io.InputStream;
import mkv.domain.Md5;

/**
 * A request body to stream once: its bytes, its declared length (-1 when chunked) and the md5
 * the client declared for it, if any (a write whose bytes hash differently is rolled back).
 */
public record Body(InputStream stream, long length, Option<Md5> declaredMd5) {
    public Body {
        if (declaredMd5 == null) throw new IllegalArgumentException("declaredMd5 is Option.none() when the client sent none");
    }

    /** A body whose client declared no md5. */
    public Body(InputStream stream, long length) {
        this(stream, length, Option.none());
    }

    public boolean chunked() {
        return length < 0;
    }
}
