package mkv.domain.port;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.time.Instant;
import java.util.function.Consumer;
import mkv.domain.EntryState;

/**
 * The index as the process that opened it runs it: the {@link Index} the flows use, plus what
 * the process watches and reports (counts for metrics and the status page, damage for
 * readiness). Each index adapter implements it, and owns its own rule for who may write (the
 * SQLite file: one coordinator per file, by a lock beside it), applied when it is opened.
 */
public interface ServedIndex extends Index {

    /** Where the index is, as the operator named it (a file's path): for messages. */
    String location();

    /** Bytes the index takes where it is stored, as far as it can tell; 0 when it cannot. */
    long storedBytes();

    /**
     * Says who holds the index for writing (e.g. "coordinator on 127.0.0.1:3000"), for the
     * refusal a second writer gets. Does nothing for an index opened beside its writer.
     */
    void announce(String holder);

    /** Hears of every committed batch of writes: for a metric. The last listener set wins. */
    void onCommit(CommitListener listener);

    /** Hears of every {@link IndexFailure.Kind#CORRUPT} failure, from any caller: for a metric. The last set wins. */
    void onCorruption(Consumer<IndexFailure> listener);

    /** The first corruption met since the index was opened, if any: it stays until a restart, since only a rebuild repairs it. */
    Option<IndexFailure> corruption();

    /** The WRITING rows: how many, and when the oldest was last updated. Cheap enough for every scrape. */
    Writing writing();

    /** How many keys are LOST. Cheap enough for every scrape. */
    long lost();

    /** Keys and bytes by state, every state included (zero where none). Cheap enough for every scrape. */
    Seq<StateCount> countByState();

    /** Replicas and bytes by volume, for every volume the index names. Cheap enough for every scrape. */
    Seq<VolumeCount> countByVolume();

    /** Hears of a committed batch: how many writes it carried and how long it took. */
    @FunctionalInterface
    interface CommitListener {
        void committed(int batchSize, long nanos);
    }

    /** How many rows are WRITING, and when the oldest of them was last updated. */
    record Writing(long rows, Option<Instant> oldest) {}

    /** Keys and their bytes in one state. */
    record StateCount(EntryState state, long keys, long bytes) {}

    /** Replicas and their bytes on one volume ({@code host:port}), as the index names them. */
    record VolumeCount(String volume, long replicas, long bytes) {}
}
