package mkv.domain.port;

/**
 * Another process already writes this index, and an index has one writer: a second
 * coordinator on it would settle the first one's writes in flight as crashed ones.
 */
public final class IndexInUse extends RuntimeException {
    public IndexInUse(String message) {
        super(message);
    }
}
