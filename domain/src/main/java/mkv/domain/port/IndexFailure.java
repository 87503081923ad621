package mkv.domain.port;

/** The index could not be read or written: the one failure mkv answers with a 500. */
public final class IndexFailure extends RuntimeException {
    public IndexFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
