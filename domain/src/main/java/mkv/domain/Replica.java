package mkv.domain;

import io.vavr.collection.Seq;
import io.vavr.control.Either;

/** One copy of a blob: a volume and the subvolume (disk folder {@code svNN}) on it. */
public record Replica(Volume volume, int subvolume) {

    /** Subvolumes are numbered 00-99: the {@code svNN} folders. */
    public static final int MAX_SUBVOLUMES = 100;

    public Replica {
        if (volume == null) throw new IllegalArgumentException("replica needs a volume");
        if (subvolume < 0 || subvolume >= MAX_SUBVOLUMES) {
            throw new IllegalArgumentException("subvolume out of range: " + subvolume);
        }
    }

    /** Parses the stored form {@code host:port/NN}. */
    public static Either<String, Replica> parse(String text) {
        int slash = text.lastIndexOf('/');
        if (slash < 0) return Either.left("replica '" + text + "' is not host:port/subvolume");
        int sv;
        try {
            sv = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            return Either.left("replica '" + text + "' has a subvolume that is not a number");
        }
        if (sv < 0 || sv >= MAX_SUBVOLUMES) return Either.left("replica '" + text + "' has a subvolume out of range");
        return Volume.parse(text.substring(0, slash)).map(v -> new Replica(v, sv));
    }

    @Override
    public String toString() {
        return volume + "/" + subvolume;
    }

    /** Replicas are kept sorted and distinct, so equal placements are equal values. */
    public static Seq<Replica> canonical(Seq<Replica> replicas) {
        // Every row read back from the index is already canonical: check before re-sorting
        // (the sort formats each replica as text; it was ~4% of a GET's CPU).
        String previous = null;
        boolean sorted = true;
        for (Replica r : replicas) {
            String text = r.toString();
            if (previous != null && previous.compareTo(text) >= 0) {
                sorted = false;
                break;
            }
            previous = text;
        }
        if (sorted && replicas instanceof io.vavr.collection.List<Replica>) return replicas;
        return replicas.distinct().sortBy(Replica::toString).toList();
    }
}
