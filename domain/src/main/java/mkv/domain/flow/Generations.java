package mkv.domain.flow;

import mkv.domain.port.Index;

/**
 * Hands out generation numbers from blocks the index reserved durably, so a PUT costs no extra
 * commit for its number; the numbers of a block left when the process dies are simply skipped.
 */
public final class Generations {
    private final Index index;
    private final int block;
    private long next;
    private long end; // exclusive

    public Generations(Index index, int block) {
        if (block < 1) throw new IllegalArgumentException("block must be at least 1");
        this.index = index;
        this.block = block;
    }

    /** A generation number no write of this index ever had. */
    public synchronized long next() {
        if (next == end) {
            next = index.reserveGenerations(block);
            end = next + block;
        }
        return next++;
    }
}
