package mkv.domain.port;

import java.io.InputStream;

/** A request body to stream once: its bytes, and its declared length (-1 when chunked). */
public record Body(InputStream stream, long length) {
    public boolean chunked() {
        return length < 0;
    }
}
