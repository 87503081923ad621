package mkv.domain.flow;

import mkv.domain.port.Index;

/**
 * Hands out generation numbers from blocks the index reserved durably, so a PUT costs no extra
 * commit for its number; the numbers of a block left when the process dies are simply skipped.
 *
 * <p>The first block also starts above {@code floor}, the process's start in microseconds
 * since the epoch. The index's high-water mark alone is not enough: an index restored from an
 * older backup has an older mark, and the numbers handed out since would be handed out again,
 * so two values of one key could share a path. Numbers never outrun the clock unless a
 * million writes a second do.
 */
public final class Generations {
    private final Index index;
    private final int block;
    private final long floor;
    private long next;
    private long end; // exclusive

    /** Blocks above the index's high-water mark only: for tests of the blocks themselves. */
    public Generations(Index index, int block) {
        this(index, block, 0);
    }

    /** Blocks above both the index's high-water mark and {@code floor}. */
    public Generations(Index index, int block, long floor) {
        if (block < 1) throw new IllegalArgumentException("block must be at least 1");
        this.index = index;
        this.block = block;
        this.floor = floor;
    }

    /** Microseconds since the epoch: the floor for a process started at {@code start}. */
    public static long floorAt(java.time.Instant start) {
        return Math.multiplyExact(start.getEpochSecond(), 1_000_000L) + start.getNano() / 1_000;
    }

    /** A generation number no write of this index ever had. */
    public synchronized long next() {
        if (next == end) {
            if (floor > 0 && end == 0) index.raiseGenerations(floor);
            next = index.reserveGenerations(block);
            end = next + block;
        }
        return next++;
    }
}
