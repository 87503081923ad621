package mkv.domain;

import io.vavr.control.Either;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Strict percent-decoding of a raw URL path into UTF-8 text. */
final class PercentDecoding {
    private PercentDecoding() {}

    static Either<InvalidKey, String> decode(String raw) {
        if (raw == null) return Either.left(new InvalidKey("key is empty", ""));
        if (raw.indexOf('%') < 0) return Key.utf8(raw.getBytes(StandardCharsets.UTF_8), raw);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        byte[] in = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b != '%') {
                out.write(b);
                continue;
            }
            if (i + 2 >= in.length) return Either.left(new InvalidKey("key has a truncated percent-escape", raw));
            int hi = Character.digit(in[i + 1], 16);
            int lo = Character.digit(in[i + 2], 16);
            if (hi < 0 || lo < 0) return Either.left(new InvalidKey("key has an invalid percent-escape", raw));
            out.write(hi << 4 | lo);
            i += 2;
        }
        return Key.utf8(out.toByteArray(), raw);
    }
}
