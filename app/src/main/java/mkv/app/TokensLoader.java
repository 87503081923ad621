package mkv.app;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import mkv.domain.access.Tokens;

/**
 * Reads a tokens file, at start and on each SIGHUP. A file every user of the machine can read is
 * refused: its tokens would be anyone's, so running with it would only look safe.
 */
final class TokensLoader {
    private TokensLoader() {}

    static Either<Seq<String>, Tokens> load(Path file) {
        try {
            if (Files.exists(file) && !Files.isRegularFile(file)) return problem("tokens-file: " + file + " is not a file");
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                if (mode.contains(PosixFilePermission.OTHERS_READ)) {
                    return problem("tokens-file: " + file + " can be read by every user (" + PosixFilePermissions.toString(mode)
                            + "); make it private: chmod 600 " + file + " (or 640, group mkv)");
                }
            }
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            return Tokens.parse(file.toString(), text).mapLeft(errors -> errors.map(e -> "tokens-file: " + e));
        } catch (NoSuchFileException e) {
            return problem("tokens-file: " + file + " does not exist");
        } catch (CharacterCodingException e) {
            return problem("tokens-file: " + file + " is not UTF-8 text");
        } catch (IOException e) {
            return problem("tokens-file: cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Either<Seq<String>, Tokens> problem(String text) {
        return Either.left(List.of(text));
    }
}
