package mkv.domain.access;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.collection.Set;
import io.vavr.collection.TreeSet;
import io.vavr.control.Either;
import io.vavr.control.Option;
import java.util.regex.Pattern;

/**
 * The API tokens a coordinator accepts, each with its scopes, read from a tokens file: one token
 * per line, {@code TOKEN SCOPE[,SCOPE...]}, {@code #} starting a comment. Only each token's
 * SHA-256 is kept, and a lookup compares against every grant without stopping early, so its time
 * does not depend on which token (if any) matched.
 */
public record Tokens(Seq<Grant> grants) {

    /** Shortest token accepted: 16 characters of the token alphabet is about 96 bits even when random only in letters. */
    public static final int MIN_LENGTH = 16;

    /** RFC 6750's b64token: the characters a Bearer token may hold, so that any valid token can be sent in a header. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

    /** One token's hash and what it may do. */
    public record Grant(TokenHash hash, Set<Scope> scopes) {}

    /** The scopes of the token presented, or none when no grant matches it. */
    public Option<Set<Scope>> scopesOf(String presented) {
        TokenHash hash = TokenHash.of(presented);
        Set<Scope> found = null;
        for (Grant g : grants) {
            // No early exit: every grant is compared, whichever matches.
            if (g.hash().matches(hash) && found == null) found = g.scopes();
        }
        return Option.of(found);
    }

    public int size() {
        return grants.size();
    }

    /**
     * Pure. The tokens of a tokens file's text, or every bad line, each named {@code source:line}.
     * An error never quotes the token itself: it may be a real one with a typo beside it, and
     * these messages go to logs.
     */
    public static Either<Seq<String>, Tokens> parse(String source, String text) {
        List<String> errors = List.empty();
        List<Grant> grants = List.empty();
        List<TokenHash> seen = List.empty();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String where = source + ":" + (i + 1) + ": ";
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            line = line.strip();
            if (line.isEmpty()) continue;
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                errors = errors.append(where + (fields.length == 1 ? "no scopes after the token; write TOKEN SCOPE[,SCOPE...]"
                        : "expected TOKEN SCOPE[,SCOPE...], found " + fields.length + " fields (no spaces between scopes)"));
                continue;
            }
            String token = fields[0];
            if (!TOKEN.matcher(token).matches()) {
                errors = errors.append(where + "the token has characters a Bearer token cannot hold (use A-Z a-z 0-9 - . _ ~ + /, then = padding)");
                continue;
            }
            if (token.length() < MIN_LENGTH) {
                errors = errors.append(where + "the token is shorter than " + MIN_LENGTH + " characters (make one with: openssl rand -hex 32)");
                continue;
            }
            Either<String, Set<Scope>> scopes = scopes(fields[1]);
            if (scopes.isLeft()) {
                errors = errors.append(where + scopes.getLeft());
                continue;
            }
            TokenHash h = TokenHash.of(token);
            if (seen.exists(s -> s.matches(h))) {
                errors = errors.append(where + "the same token is on an earlier line; give each token one line with all its scopes");
                continue;
            }
            seen = seen.append(h);
            grants = grants.append(new Grant(h, scopes.get()));
        }
        return errors.isEmpty() ? Either.right(new Tokens(grants)) : Either.left(errors);
    }

    private static Either<String, Set<Scope>> scopes(String text) {
        Set<Scope> scopes = TreeSet.empty();
        for (String name : text.split(",", -1)) {
            Option<Scope> scope = Scope.parse(name);
            if (scope.isEmpty()) {
                return Either.left("unknown scope '" + name + "'; scopes are " + List.of(Scope.values()).map(Scope::label).mkString(", "));
            }
            scopes = scopes.add(scope.get());
        }
        return Either.right(scopes);
    }
}
