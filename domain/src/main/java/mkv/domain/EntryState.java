package mkv.domain;

/**
 * The life of an index entry: WRITING (reserved, replicas in flight or being removed) →
 * LIVE (every replica and sidecar written) → UNLINKED (soft-deleted) → gone. A crash can
 * leave WRITING, which recovery settles; it can never leave a LIVE entry lacking a replica.
 * LOST is what {@code mkv verify --repair} makes of a LIVE or UNLINKED entry none of whose
 * replicas holds its value any more (GET answers 410); the row remembers which of the two it
 * was, and turns back into it if a good replica reappears.
 */
public enum EntryState {
    WRITING, LIVE, UNLINKED, LOST
}
