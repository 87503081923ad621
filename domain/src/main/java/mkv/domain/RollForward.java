package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;

/**
 * A write that no process finished may still have done all its volume work: every blob and
 * every sidecar in place, only the index's commit missing (a crash just before it, or an index
 * copied by hand while the write was in flight and restored after it had been acknowledged).
 * Recovery then completes the write instead of deleting a value a client may have been told
 * was stored.
 */
public final class RollForward {
    private RollForward() {}

    /**
     * Pure. The value every replica of {@code generation} holds whole: a readable sidecar of the
     * key at that generation on each, all saying the same size and md5, each beside a blob of
     * that size. None if any replica falls short, or could not be asked: then the write is
     * rolled back as before.
     */
    public static Option<Sidecar> whole(Key key, long generation, Seq<SidecarRead> sidecars, Seq<Stat> blobs) {
        if (sidecars.isEmpty() || sidecars.size() != blobs.size()) return Option.none();
        Option<Sidecar> first = Option.none();
        for (int i = 0; i < sidecars.size(); i++) {
            if (!(sidecars.get(i) instanceof SidecarRead.Found(Sidecar s))) return Option.none();
            if (!s.key().equals(key) || s.generation() != generation) return Option.none();
            if (!(blobs.get(i) instanceof Stat.Present(long size)) || size != s.size()) return Option.none();
            if (first.isDefined() && !(first.get().size() == s.size() && first.get().md5().equals(s.md5())
                    && first.get().state() == s.state())) return Option.none();
            if (first.isEmpty()) first = Option.some(s);
        }
        return first;
    }

    /** Pure. The row of a stale new write whose replicas all hold it whole: the value, as its sidecars say. */
    public static Entry completed(Entry writing, Sidecar whole, Instant now) {
        return new Entry(writing.key(), whole.state(), writing.replicas(), whole.size(), Option.of(whole.md5()), whole.created(), now,
                writing.generation(), Option.none(), writing.retired());
    }

    /** Pure. The row of a stale replace whose pending generation is whole everywhere: switched to it, the old value retired. */
    public static Entry switched(Entry row, Sidecar whole, Instant now) {
        HeldGeneration pending = row.pending().get();
        return new Entry(row.key(), whole.state(), pending.replicas(), whole.size(), Option.of(whole.md5()), whole.created(), now,
                pending.generation(), Option.none(), row.retired().append(row.current(now)));
    }
}
