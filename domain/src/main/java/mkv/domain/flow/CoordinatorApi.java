package mkv.domain.flow;

import io.vavr.control.Either;
import java.time.Duration;
import mkv.domain.DeleteResult;
import mkv.domain.EntryState;
import mkv.domain.GetResult;
import mkv.domain.InvalidKey;
import mkv.domain.Key;
import mkv.domain.ListQuery;
import mkv.domain.ListResult;
import mkv.domain.PutCondition;
import mkv.domain.PutResult;
import mkv.domain.ReadResult;
import mkv.domain.port.Body;
import mkv.domain.port.DataApi;
import mkv.domain.port.ListKeys;

/**
 * The data API over the {@link Coordinator}: parses keys under the policy of the moment,
 * decides what a client is told beyond the use case's own outcome (a missing key sent to the
 * fallback server, a listing refused for its rate), then makes one use-case call.
 */
public final class CoordinatorApi implements DataApi {
    private final Coordinator coordinator;
    private final ListRateLimit listLimit;

    public CoordinatorApi(Coordinator coordinator, ListRateLimit listLimit) {
        this.coordinator = coordinator;
        this.listLimit = listLimit;
    }

    @Override
    public Either<InvalidKey, Key> key(String rawPath) {
        return Key.parse(rawPath, coordinator.policy().maxKeyBytes());
    }

    @Override
    public GetResult get(Key key, String rawPath) {
        return switch (coordinator.locate(key)) {
            case ReadResult.Found(var entry, var replica) ->
                    new GetResult.Found(coordinator.url(replica, entry), entry.md5().get(), entry.volumes());
            // A key this cluster does not hold may still be on the server it is being migrated from.
            case ReadResult.Absent a -> coordinator.policy().fallback()
                    .<GetResult>map(host -> new GetResult.Fallback("http://" + host + rawPath))
                    .getOrElse(GetResult.Absent::new);
            case ReadResult.Lost l -> new GetResult.Lost();
            case ReadResult.Unavailable u -> new GetResult.Unavailable(u.entry().volumes());
        };
    }

    @Override
    public PutResult put(Key key, PutCondition condition, Body body, String requestId) {
        return coordinator.put(key, condition, body, requestId);
    }

    @Override
    public DeleteResult delete(Key key, String requestId) {
        return coordinator.delete(key, requestId);
    }

    @Override
    public DeleteResult unlink(Key key, String requestId) {
        return coordinator.unlink(key, requestId);
    }

    @Override
    public DeleteResult relink(Key key, String requestId) {
        return coordinator.relink(key, requestId);
    }

    /** The rate first: a client over its limit costs a map lookup, not a parse or a scan. */
    @Override
    public ListResult list(ListKeys request) {
        Duration wait = listLimit.take(request.client());
        if (!wait.isZero()) return new ListResult.TooMany(wait);
        Policy policy = coordinator.policy();
        Either<InvalidKey, String> prefix = Key.parsePrefix(request.prefix(), policy.maxKeyBytes());
        if (prefix.isLeft()) return new ListResult.InvalidPrefix(prefix.getLeft());
        Either<String, ListQuery> query = ListQuery.parse(prefix.get(), request.start().getOrNull(), request.limit().getOrNull(),
                policy.maxListLimit(), policy.maxKeyBytes());
        if (query.isLeft()) return new ListResult.BadQuery(query.getLeft());
        return switch (request.which()) {
            case LIVE -> keys(query.get(), EntryState.LIVE);
            case UNLINKED -> keys(query.get(), EntryState.UNLINKED);
            case LOST -> keys(query.get(), EntryState.LOST);
            case IN_FLIGHT -> {
                Coordinator.InFlightPage page = coordinator.inFlight(query.get());
                yield new ListResult.Writing(page.rows(), page.next());
            }
        };
    }

    private ListResult keys(ListQuery query, EntryState state) {
        ListQuery.Page page = coordinator.list(query, state);
        return new ListResult.Keys(page.keys(), page.next());
    }
}
