package mkv.domain;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Shared generators and fixtures for the domain's property tests. */
public final class Gens {
    private Gens() {}

    public static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

    /**
     * Keys of arbitrary unicode text from every plane. Characters a key may not hold (controls,
     * lone surrogates) become '_' rather than being filtered out, so generation never gives up;
     * the rare leftover invalid key (a '.' segment) becomes a hex name.
     */
    public static Gen<Key> keys() {
        return strings().allPossible().ofLengthBetween(1, 40).map(s -> {
            StringBuilder b = new StringBuilder("/");
            s.codePoints().forEach(c -> b.appendCodePoint(
                    c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate((char) c) && c <= 0xffff ? '_' : c));
            return Key.of(b.toString(), Key.DEFAULT_MAX_BYTES).getOrElse(() -> new Key("/" + Integer.toHexString(s.hashCode())));
        });
    }

    /** Keys that look like real paths: short, readable, often sharing prefixes. */
    public static Gen<Key> pathKeys() {
        return lists().of(strings().betweenCodePoints('a', 'e').ofLengthBetween(1, 3)).ofSizeBetween(1, 3)
                .map(parts -> new Key("/" + String.join("/", parts)));
    }

    /** A pool of volumes, {@code v00.test:8000} onwards. */
    public static Volume volume(int i) {
        return new Volume(String.format("v%02d.test", i), 8000 + i);
    }

    public static List<Volume> volumes(int n) {
        return List.range(0, n).map(Gens::volume);
    }

    /** Between min and max distinct volumes drawn from a pool of 20. */
    public static Gen<List<Volume>> volumeSets(int min, int max) {
        return lists().of(integers().between(0, 19)).ofSizeBetween(min, max * 3)
                .map(is -> List.ofAll(is).distinct().take(max).map(Gens::volume))
                .assuming(vs -> vs.size() >= min);
    }

    public static Gen<Md5> md5s() {
        return longs().all().map(l -> new Md5(String.format("%016x%016x", l, ~l)));
    }

    public static Md5 md5(int i) {
        return new Md5(String.format("%032x", i));
    }

    /** Distinct replicas, each on its own volume. */
    public static Gen<Seq<Replica>> replicaSets(int min, int max) {
        return volumeSets(min, max).zip(integers().between(0, 99),
                (vs, sv) -> vs.zipWithIndex().map(t -> new Replica(t._1, (sv + t._2) % BlobPath.MAX_SUBVOLUMES)));
    }

    /** What a write stored: size, md5 and creation time. */
    private record Stored(long size, Md5 md5, Instant created) {}

    /** LIVE or UNLINKED entries, as a rebuild or rebalance finds them. */
    public static Gen<Entry> settledEntries(Gen<Key> keys) {
        Gen<EntryState> states = Generate.pick(java.util.List.of(EntryState.LIVE, EntryState.UNLINKED));
        Gen<Stored> stored = longs().between(1, 1L << 40).zip(md5s(), longs().between(0, 4_000_000_000_000L),
                (size, md5, millis) -> new Stored(size, md5, Instant.ofEpochMilli(millis)));
        return keys.zip(states, replicaSets(1, 4), stored,
                (k, state, rs, s) -> new Entry(k, state, rs, s.size(), Option.of(s.md5()), s.created(), s.created()));
    }

    /** Entries with distinct keys. */
    public static Gen<Seq<Entry>> entryLists(Gen<Entry> entries, int max) {
        return lists().of(entries).ofSizeBetween(0, max).map(es -> List.ofAll(es).distinctBy(Entry::key));
    }
}
