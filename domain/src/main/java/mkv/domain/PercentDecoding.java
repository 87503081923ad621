package mkv.domain;

import io.vavr.control.Either;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict percent-decoding of a raw URL path into UTF-8 text. */
final class PercentDecoding {
    private PercentDecoding() {}

    static Either<InvalidKey, String> decode(String raw) {
        if (raw == null) return Either.left(new InvalidKey("key is empty", ""));
        return utf8Bytes(raw).flatMap(in -> raw.indexOf('%') < 0 ? utf8(in, raw) : unescape(in, raw));
    }

    private static Either<InvalidKey, String> unescape(byte[] in, String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
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
        return utf8(out.toByteArray(), raw);
    }

    /**
     * Strict UTF-8 encoding of the raw text: {@code String.getBytes} would turn an unpaired
     * surrogate into a silent {@code '?'}, storing a different key than the one asked for.
     */
    private static Either<InvalidKey, byte[]> utf8Bytes(String raw) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(raw));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return Either.right(bytes);
        } catch (CharacterCodingException e) {
            return Either.left(new InvalidKey("key contains an unpaired surrogate", raw));
        }
    }

    /** Strict UTF-8 decoding: invalid bytes are an error, never a silent U+FFFD. */
    static Either<InvalidKey, String> utf8(byte[] bytes, String input) {
        try {
            return Either.right(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Either.left(new InvalidKey("key is not valid UTF-8", input));
        }
    }
}
