package mkv.domain.access;

/** The outcome of checking a request's token against what the request needs. */
public sealed interface AccessResult {
    /** Go ahead: no tokens are configured, or the token holds the scope. */
    record Allowed() implements AccessResult {}

    /** Tokens are required and the request brought none. */
    record NoToken() implements AccessResult {}

    /** The token brought is not one of the configured tokens. */
    record UnknownToken() implements AccessResult {}

    /** A valid token that lacks the scope the request needs. */
    record MissingScope(Scope needed) implements AccessResult {}
}
