package mkv.adapter.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.vavr.control.Option;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import mkv.domain.access.Access;
import mkv.domain.access.AccessResult;
import mkv.domain.access.Scope;
import mkv.domain.access.Tokens;

/**
 * Checks the {@code Authorization: Bearer TOKEN} of every request against the tokens in force
 * (re-read on SIGHUP, hence a supplier) before any handler sees it, and maps the domain's
 * decision to HTTP: 401 with {@code WWW-Authenticate} without a valid token, 403 with one that
 * lacks the scope (RFC 6750's error codes). The token itself is never logged or echoed.
 */
public final class BearerAuth implements Filter {
    private static final HeaderName WWW_AUTHENTICATE = HeaderNames.create("WWW-Authenticate");
    private static final String CHALLENGE = "Bearer realm=\"mkv\"";

    private final Supplier<Option<Tokens>> tokens;
    private final Function<RoutingRequest, Scope> needed;

    private BearerAuth(Supplier<Option<Tokens>> tokens, Function<RoutingRequest, Scope> needed) {
        this.tokens = tokens;
        this.needed = needed;
    }

    /** The data port's check: each request needs the scope of its method and query (see {@link Scope#needed}). */
    static BearerAuth data(Supplier<Option<Tokens>> tokens) {
        return new BearerAuth(tokens, req -> Scope.needed(req.prologue().method().text(), req.query().names()));
    }

    /** The admin port's check, when it is turned on: every route needs the admin scope. */
    public static BearerAuth admin(Supplier<Option<Tokens>> tokens) {
        return new BearerAuth(tokens, req -> Scope.ADMIN);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Scope scope = needed.apply(req);
        switch (Access.decide(tokens.get(), bearer(req), scope)) {
            case AccessResult.Allowed a -> chain.proceed();
            case AccessResult.NoToken n -> {
                res.header(WWW_AUTHENTICATE, CHALLENGE);
                KeyHandler.error(req, res, Status.UNAUTHORIZED_401, "a token is needed: send Authorization: Bearer TOKEN", null);
            }
            case AccessResult.UnknownToken u -> {
                res.header(WWW_AUTHENTICATE, CHALLENGE + ", error=\"invalid_token\"");
                KeyHandler.error(req, res, Status.UNAUTHORIZED_401, "the bearer token is not valid", null);
            }
            case AccessResult.MissingScope m -> {
                res.header(WWW_AUTHENTICATE, CHALLENGE + ", error=\"insufficient_scope\", scope=\"" + m.needed().label() + "\"");
                KeyHandler.error(req, res, Status.FORBIDDEN_403, "the token lacks the '" + m.needed().label()
                        + "' scope this request needs", null);
            }
        }
    }

    /** The token of an {@code Authorization: Bearer} header; any other scheme, or none, brings no token. */
    static Option<String> bearer(RoutingRequest req) {
        return Option.ofOptional(req.headers().first(HeaderNames.AUTHORIZATION)).flatMap(BearerAuth::bearer);
    }

    static Option<String> bearer(String header) {
        String h = header.strip();
        int space = h.indexOf(' ');
        if (space < 0 || !h.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) return Option.none();
        String token = h.substring(space + 1).strip();
        return token.isEmpty() ? Option.none() : Option.some(token);
    }
}
