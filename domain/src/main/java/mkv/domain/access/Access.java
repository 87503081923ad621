package mkv.domain.access;

import io.vavr.control.Option;

/** Pure. The one access decision every request of every API surface passes. */
public final class Access {
    private Access() {}

    /**
     * Without tokens configured every request is allowed (mkv as it always was, for loopback and
     * trusted networks); with them, a request needs a token that is one of them and that holds
     * the scope. An empty tokens file therefore refuses everyone: that is a locked store, not an
     * open one.
     */
    public static AccessResult decide(Option<Tokens> tokens, Option<String> presented, Scope needed) {
        if (tokens.isEmpty()) return new AccessResult.Allowed();
        if (presented.isEmpty()) return new AccessResult.NoToken();
        return tokens.get().scopesOf(presented.get())
                .<AccessResult>map(scopes -> scopes.contains(needed) ? new AccessResult.Allowed() : new AccessResult.MissingScope(needed))
                .getOrElse(new AccessResult.UnknownToken());
    }
}
