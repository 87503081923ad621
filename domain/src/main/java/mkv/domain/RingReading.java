package mkv.domain;

/**
 * The volumes' state as an operator reads it: how many are up of how many, which are down, and
 * {@code writable}, the share of keys (0 to 1) whose replicas are all up.
 */
public record RingReading(int up, int total, java.util.List<String> down, double writable) {}
