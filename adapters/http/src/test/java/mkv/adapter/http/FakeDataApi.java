package mkv.adapter.http;

import io.vavr.control.Either;
import io.vavr.control.Option;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import mkv.domain.DeleteResult;
import mkv.domain.GetResult;
import mkv.domain.InvalidKey;
import mkv.domain.Key;
import mkv.domain.ListResult;
import mkv.domain.Md5;
import mkv.domain.PutCondition;
import mkv.domain.PutResult;
import mkv.domain.port.Body;
import mkv.domain.port.DataApi;
import mkv.domain.port.ListKeys;

/**
 * A data API that answers what the test sets and records every call it gets, so a test of the
 * HTTP mapping sees both what the handler asked and what it made of the answer. Keys are parsed
 * by the domain's own parser, under the default limit.
 */
final class FakeDataApi implements DataApi {

    /**
     * One call as the handler made it: {@code with} is the raw path of a get, the {@link Upload} of a
     * put, the {@link ListKeys} of a list, null for the others.
     */
    record Call(String op, Key key, String requestId, Object with) {}

    /** What a PUT brought: its condition, declared length (-1: chunked) and md5, and its body read whole (null if it broke). */
    record Upload(PutCondition condition, long length, Option<Md5> declaredMd5, String read) {}

    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    volatile GetResult get = new GetResult.Absent();
    volatile PutResult put = new PutResult.Busy();
    volatile DeleteResult change = new DeleteResult.Busy();
    volatile ListResult list = new ListResult.Keys(io.vavr.collection.List.empty(), "");
    /** Thrown by every call but {@link #key} when set, as a failing index would. */
    volatile RuntimeException failure;

    void reset() {
        calls.clear();
        get = new GetResult.Absent();
        put = new PutResult.Busy();
        change = new DeleteResult.Busy();
        list = new ListResult.Keys(io.vavr.collection.List.empty(), "");
        failure = null;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public Either<InvalidKey, Key> key(String rawPath) {
        return Key.parse(rawPath, Key.DEFAULT_MAX_BYTES);
    }

    @Override
    public GetResult get(Key key, String rawPath) {
        record("get", key, null, rawPath);
        return get;
    }

    @Override
    public PutResult put(Key key, PutCondition condition, Body body, String requestId) {
        try {
            String read = new String(body.stream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            record("put", key, requestId, new Upload(condition, body.length(), body.declaredMd5(), read));
            return put;
        } catch (IOException e) {
            // The body broke off (or came too slowly): the core rolls back and says so.
            record("put", key, requestId, new Upload(condition, body.length(), body.declaredMd5(), null));
            return new PutResult.BodyBroken(e.getMessage());
        }
    }

    @Override
    public DeleteResult delete(Key key, String requestId) {
        record("delete", key, requestId, null);
        return change;
    }

    @Override
    public DeleteResult unlink(Key key, String requestId) {
        record("unlink", key, requestId, null);
        return change;
    }

    @Override
    public DeleteResult relink(Key key, String requestId) {
        record("relink", key, requestId, null);
        return change;
    }

    @Override
    public ListResult list(ListKeys request) {
        record("list", null, null, request);
        return list;
    }

    private void record(String op, Key key, String requestId, Object with) {
        calls.add(new Call(op, key, requestId, with));
        RuntimeException f = failure;
        if (f != null) throw f;
    }
}
