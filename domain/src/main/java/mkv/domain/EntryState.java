package mkv.domain;

/**
 * The life of an index entry: WRITING (reserved, replicas in flight or being removed) →
 * LIVE (every replica and sidecar written) → UNLINKED (soft-deleted) → gone. A crash can
 * leave WRITING, which recovery settles; it can never leave a LIVE entry lacking a replica.
 */
public enum EntryState {
    WRITING, LIVE, UNLINKED
}
