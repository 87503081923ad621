package mkv.adapter.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import mkv.domain.EntryState;
import mkv.domain.InvalidKey;
import mkv.domain.Key;
import mkv.domain.ListQuery;
import mkv.domain.Md5;
import mkv.domain.PutCondition;
import mkv.domain.ReadResult;
import mkv.domain.flow.Coordinator;
import mkv.domain.flow.DeleteResult;
import mkv.domain.flow.Policy;
import mkv.domain.flow.PutResult;
import mkv.domain.port.Body;
import mkv.domain.port.IndexFailure;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;

/** Every request of the data port: parse, one use-case call, map the outcome to HTTP. */
final class KeyHandler implements Handler {
    private static final System.Logger LOG = System.getLogger(KeyHandler.class.getName());
    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final HeaderName CONTENT_MD5 = HeaderNames.create("Content-Md5");
    private static final HeaderName KEY_VOLUMES = HeaderNames.create("Key-Volumes");
    private static final HeaderName IF_MATCH = HeaderNames.create("If-Match");
    private static final HeaderName IF_NONE_MATCH = HeaderNames.create("If-None-Match");
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final java.util.List<String> LISTINGS = java.util.List.of("list", "unlinked", "lost", "writing");
    private static final Set<String> LIST_PARAMS = Set.of("list", "unlinked", "lost", "writing", "start", "limit");
    private static final String ALLOWED = "GET, HEAD, PUT, DELETE, UNLINK, RELINK";

    private final Coordinator coordinator;
    private final Supplier<String> requestIds;
    private final ListRateLimit listLimit;
    private final BodyPace pace;

    KeyHandler(Coordinator coordinator, Supplier<String> requestIds, ListRateLimit listLimit, BodyPace pace) {
        this.coordinator = coordinator;
        this.requestIds = requestIds;
        this.listLimit = listLimit;
        this.pace = pace;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        // A client's id is echoed and sent on to the volumes; an unsafe or missing one is replaced.
        String requestId = req.headers().first(REQUEST_ID).filter(id -> SAFE_ID.matcher(id).matches()).orElseGet(requestIds);
        res.header(REQUEST_ID, requestId);
        String method = req.prologue().method().text();
        try {
            switch (method) {
                case "GET", "HEAD" -> get(req, res);
                case "PUT" -> put(req, res, requestId);
                case "DELETE", "UNLINK", "RELINK" -> delete(req, res, requestId, method);
                default -> {
                    res.header(HeaderNames.ALLOW, ALLOWED);
                    error(req, res, Status.METHOD_NOT_ALLOWED_405, "method " + method + " is not supported; use " + ALLOWED, null);
                }
            }
        } catch (IndexFailure e) {
            // Never a partial answer: a damaged index fails the request whole, listings included.
            String what = e.isCorrupt() ? "the index is damaged" : "the index is unavailable";
            LOG.log(System.Logger.Level.ERROR, "request " + requestId + ": " + method + " failed: " + what, e);
            error(req, res, Status.INTERNAL_SERVER_ERROR_500, what + ": " + e.getMessage(), null);
        }
    }

    private void get(ServerRequest req, ServerResponse res) {
        var query = req.query();
        Policy policy = coordinator.policy();
        if (LISTINGS.stream().anyMatch(query::contains)) {
            list(req, res, policy);
            return;
        }
        if (!query.isEmpty()) {
            error(req, res, Status.BAD_REQUEST_400, "unknown query parameter(s) " + query.names()
                    + "; only list, unlinked, lost and writing (with start, limit) are understood", null);
            return;
        }
        Either<InvalidKey, Key> key = Key.parse(req.path().rawPath(), policy.maxKeyBytes());
        if (key.isLeft()) {
            invalidKey(req, res, key.getLeft());
            return;
        }
        switch (coordinator.locate(key.get())) {
            case ReadResult.Found(var entry, var replica) -> {
                res.status(Status.FOUND_302);
                res.header(HeaderNames.LOCATION, coordinator.url(replica, entry));
                res.header(CONTENT_MD5, entry.md5().get().hex());
                res.header(HeaderNames.ETAG, etag(entry.md5().get()));
                res.header(KEY_VOLUMES, entry.volumes().mkString(","));
                res.header(HeaderValues.CONTENT_LENGTH_ZERO);
                res.send();
            }
            case ReadResult.Absent a -> {
                if (policy.fallback().isDefined()) {
                    res.status(Status.FOUND_302);
                    res.header(HeaderNames.LOCATION, "http://" + policy.fallback().get() + req.path().rawPath());
                    res.header(HeaderValues.CONTENT_LENGTH_ZERO);
                    res.send();
                } else {
                    notFound(req, res, key.get().value());
                }
            }
            case ReadResult.Lost l -> error(req, res, Status.GONE_410,
                    "the value is lost: mkv verify found no replica holding it; DELETE the key or PUT a new value", key.get().value());
            case ReadResult.Unavailable u -> error(req, res, Status.SERVICE_UNAVAILABLE_503,
                    "every replica's volume is down: " + u.entry().volumes().mkString(", "), key.get().value());
        }
    }

    private void list(ServerRequest req, ServerResponse res, Policy policy) {
        var query = req.query();
        java.util.List<String> asked = LISTINGS.stream().filter(query::contains).toList();
        if (asked.size() > 1) {
            error(req, res, Status.BAD_REQUEST_400, "ask for one of list, unlinked, lost or writing, not " + String.join(" and ", asked), null);
            return;
        }
        for (String name : query.names()) {
            if (!LIST_PARAMS.contains(name)) {
                error(req, res, Status.BAD_REQUEST_400, "unknown query parameter '" + name + "'; a listing takes start and limit", null);
                return;
            }
        }
        java.time.Duration wait = listLimit.take(req.remotePeer().host());
        if (!wait.isZero()) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000)));
            error(req, res, Status.TOO_MANY_REQUESTS_429, "too many listings from this address; retry after the Retry-After seconds", null);
            return;
        }
        Either<InvalidKey, String> prefix = Key.parsePrefix(req.path().rawPath(), policy.maxKeyBytes());
        if (prefix.isLeft()) {
            invalidKey(req, res, prefix.getLeft());
            return;
        }
        Either<String, ListQuery> parsed = ListQuery.parse(prefix.get(),
                query.first("start").orElse(null), query.first("limit").orElse(null),
                policy.maxListLimit(), policy.maxKeyBytes());
        if (parsed.isLeft()) {
            error(req, res, Status.BAD_REQUEST_400, parsed.getLeft(), null);
            return;
        }
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        if (asked.get(0).equals("writing")) {
            Coordinator.InFlightPage page = coordinator.inFlight(parsed.get());
            res.send(Json.encode(new Json.InFlightListing(page.next(), page.rows().map(r -> new Json.InFlightRow(r.key().value(),
                    r.kind().name().toLowerCase(java.util.Locale.ROOT), r.generation(), r.replicas().map(Object::toString).toJavaList(),
                    r.since().toString(), r.age().toMillis() / 1000.0)).toJavaList())));
            return;
        }
        EntryState state = switch (asked.get(0)) {
            case "unlinked" -> EntryState.UNLINKED;
            case "lost" -> EntryState.LOST;
            default -> EntryState.LIVE;
        };
        ListQuery.Page page = coordinator.list(parsed.get(), state);
        res.send(Json.encode(new Json.Listing(page.next(), page.keys().map(Key::value).toJavaList())));
    }

    private void put(ServerRequest req, ServerResponse res, String requestId) {
        if (!req.query().isEmpty()) {
            error(req, res, Status.BAD_REQUEST_400, "PUT takes no query parameters", null);
            return;
        }
        Either<InvalidKey, Key> key = Key.parse(req.path().rawPath(), coordinator.policy().maxKeyBytes());
        if (key.isLeft()) {
            invalidKey(req, res, key.getLeft());
            return;
        }
        var length = req.headers().contentLength();
        boolean chunked = req.headers().contains(HeaderValues.TRANSFER_ENCODING_CHUNKED);
        if (length.isEmpty() && !chunked) {
            error(req, res, Status.LENGTH_REQUIRED_411, "a PUT needs a body: send Content-Length or a chunked body", key.get().value());
            return;
        }
        // A declared md5 is checked before any byte is read: a malformed one writes nothing.
        Either<String, Option<Md5>> declared = ContentMd5.declared(req.headers().all(CONTENT_MD5, java.util.List::of));
        if (declared.isLeft()) {
            error(req, res, Status.BAD_REQUEST_400, declared.getLeft(), key.get().value());
            return;
        }
        // The condition too: one that cannot be understood is refused, never guessed at.
        Either<String, PutCondition> condition = PutCondition.parse(header(req, IF_MATCH), header(req, IF_NONE_MATCH));
        if (condition.isLeft()) {
            error(req, res, Status.BAD_REQUEST_400, condition.getLeft(), key.get().value());
            return;
        }
        PacedBody paced = pace.watch(req.content().inputStream());
        Body body = new Body(paced, length.isPresent() ? length.getAsLong() : -1, declared.get());
        String k = key.get().value();
        PutResult result;
        try {
            result = coordinator.put(key.get(), condition.get(), body, requestId);
        } finally {
            pace.release(paced);
        }
        switch (result) {
            case PutResult.Created c -> {
                res.status(Status.CREATED_201);
                res.header(CONTENT_MD5, c.entry().md5().get().hex());
                res.header(HeaderNames.ETAG, etag(c.entry().md5().get()));
                res.send();
            }
            case PutResult.AlreadyExists a -> error(req, res, Status.FORBIDDEN_403,
                    "key exists; DELETE or UNLINK it first, or replace it with If-Match", k);
            case PutResult.NoLiveValue n -> error(req, res, Status.NOT_FOUND_404, "If-Match: the key has no live value to replace", k);
            case PutResult.PreconditionFailed f -> error(req, res, Status.PRECONDITION_FAILED_412,
                    "If-Match: the live value is not the one named (or there is none); nothing was written", k);
            case PutResult.ValueLost l -> error(req, res, Status.PRECONDITION_FAILED_412, "If-Match: the value is lost (GET answers 410), "
                    + "so there is no current value to match; PUT without If-Match to write a new one; nothing was written", k);
            case PutResult.Busy b -> error(req, res, Status.CONFLICT_409, "another request is changing this key, or a failed write is still being cleaned up; retry shortly", k);
            case PutResult.EmptyBody e -> error(req, res, Status.LENGTH_REQUIRED_411, "empty body: mkv stores no empty values", k);
            case PutResult.Unavailable u -> error(req, res, Status.SERVICE_UNAVAILABLE_503,
                    "a target volume is down, nothing was written: " + u.down().mkString(", "), k);
            case PutResult.BodyBroken b -> {
                // Clients abort uploads routinely: one line, no stack trace, the id to find the request by.
                LOG.log(System.Logger.Level.WARNING, "request " + requestId + ": PUT " + k + " rolled back: " + b.detail());
                if (paced.tooSlow()) {
                    // The rest of the body was never read, so this connection cannot carry another request.
                    res.header(HeaderValues.CONNECTION_CLOSE);
                    error(req, res, Status.REQUEST_TIMEOUT_408, "the request body came too slowly (" + b.detail() + "); nothing was kept", k);
                } else {
                    error(req, res, Status.BAD_REQUEST_400, "the request body broke off (" + b.detail() + "); nothing was kept", k);
                }
            }
            case PutResult.Md5Mismatch m -> error(req, res, Status.BAD_REQUEST_400, "Content-MD5 says " + m.declared().hex()
                    + " but the body's md5 is " + m.computed().hex() + " (both in hex); nothing was kept", k);
            case PutResult.ReplicaFailed f -> {
                String why = describe(f.failures()) + refusedPutHint(f.failures());
                LOG.log(System.Logger.Level.WARNING, "request " + requestId + ": PUT " + k + " rolled back: " + why);
                error(req, res, Status.BAD_GATEWAY_502, "a replica write failed, the write was rolled back: " + why, k);
            }
        }
    }

    /** DELETE, UNLINK and RELINK: one key, no body, the same outcomes. */
    private void delete(ServerRequest req, ServerResponse res, String requestId, String method) {
        if (!req.query().isEmpty()) {
            error(req, res, Status.BAD_REQUEST_400, method + " takes no query parameters", null);
            return;
        }
        Either<InvalidKey, Key> key = Key.parse(req.path().rawPath(), coordinator.policy().maxKeyBytes());
        if (key.isLeft()) {
            invalidKey(req, res, key.getLeft());
            return;
        }
        String k = key.get().value();
        DeleteResult result = switch (method) {
            case "UNLINK" -> coordinator.unlink(key.get(), requestId);
            case "RELINK" -> coordinator.relink(key.get(), requestId);
            default -> coordinator.delete(key.get(), requestId);
        };
        switch (result) {
            case DeleteResult.Deleted d -> {
                res.status(Status.NO_CONTENT_204);
                res.send();
            }
            case DeleteResult.Absent a -> error(req, res, Status.NOT_FOUND_404, switch (method) {
                case "UNLINK" -> "no such live key";
                case "RELINK" -> "no such key";
                default -> "no such key";
            }, k);
            case DeleteResult.AlreadyLive l -> error(req, res, Status.CONFLICT_409, "the key is live: only an unlinked key can be relinked", k);
            case DeleteResult.Protected p -> error(req, res, Status.FORBIDDEN_403, "the server protects live keys: UNLINK the key before you DELETE it", k);
            case DeleteResult.Busy b -> error(req, res, Status.CONFLICT_409, "another request is changing this key", k);
            case DeleteResult.Lost l -> error(req, res, Status.GONE_410, "the value is lost, so there is nothing to " + method.toLowerCase(java.util.Locale.ROOT)
                    + "; DELETE removes the key", k);
            case DeleteResult.Unavailable u -> error(req, res, Status.SERVICE_UNAVAILABLE_503,
                    "a replica's volume is down, nothing was changed: " + u.down().mkString(", "), k);
            case DeleteResult.Incomplete f -> {
                String why = describe(f.failures());
                String message = switch (method) {
                    case "UNLINK" -> "unlinked; the sidecars that could not be rewritten are rewritten by recovery once their volume answers: ";
                    case "RELINK" -> "relinked; the sidecars that could not be rewritten are rewritten by recovery once their volume answers: ";
                    default -> "deleted; the files that could not be removed are removed by recovery once their volume answers: ";
                } + why;
                LOG.log(System.Logger.Level.WARNING, "request " + requestId + ": " + method + " " + k + " incomplete: " + why);
                res.status(Status.ACCEPTED_202);
                res.header(HeaderValues.CONTENT_TYPE_JSON);
                res.send(Json.encode(new Json.Accepted(k, message)));
            }
        }
    }

    /** The entity tag of a value: its md5, quoted, the same as Content-Md5 says. */
    private static String etag(Md5 md5) {
        return "\"" + md5.hex() + "\"";
    }

    /** A header's value, null when absent; several values of one header are one list, as HTTP reads them. */
    private static String header(ServerRequest req, HeaderName name) {
        java.util.List<String> values = req.headers().all(name, java.util.List::of);
        return values.isEmpty() ? null : String.join(",", values);
    }

    private static String describe(Seq<Transfer.Failed> failures) {
        return failures.isEmpty() ? "the index changed under the write"
                : failures.map(f -> f.replica().volume() + " " + f.failure().describe()).mkString("; ");
    }

    /**
     * nginx answers a PUT it cannot store with a bare 500: a full disk looks like any other write
     * error, and only the volume's own error log tells them apart. So the answer names the volume
     * and says where to look, and never claims "full" on a guess.
     */
    private static String refusedPutHint(Seq<Transfer.Failed> failures) {
        return failures.exists(f -> f.failure() instanceof VolumeFailure.Refused r && r.status() == 500)
                ? " (nginx answers 500 when it cannot store a PUT, e.g. its disk is full: see that volume's error log)" : "";
    }

    /** The key field is the raw path as it arrived: an invalid key may not decode, and JSON escapes what it holds. */
    private static void invalidKey(ServerRequest req, ServerResponse res, InvalidKey invalid) {
        error(req, res, Status.BAD_REQUEST_400, invalid.reason(), req.path().rawPath());
    }

    /** {@link #error} for a GET or HEAD of a missing key, with a body encoded without Jackson. */
    private static void notFound(ServerRequest req, ServerResponse res, String key) {
        res.status(Status.NOT_FOUND_404);
        if (req.prologue().method().text().equals("HEAD")) {
            res.header(HeaderValues.CONTENT_LENGTH_ZERO);
            res.send();
            return;
        }
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(Json.noSuchKey(key));
    }

    /**
     * A JSON error for GET and the others; a HEAD gets the status alone with Content-Length: 0,
     * as the Go original answers it (RFC 9110 lets a HEAD omit fields that depend on the content,
     * and clients that follow redirects on HEAD compare the length with the value's).
     */
    static void error(ServerRequest req, ServerResponse res, Status status, String message, String key) {
        res.status(status);
        if (req.prologue().method().text().equals("HEAD")) {
            res.header(HeaderValues.CONTENT_LENGTH_ZERO);
            res.send();
            return;
        }
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(Json.encode(new Json.Error(message, key)));
    }
}
