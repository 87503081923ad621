package mkv.domain;

import io.vavr.control.Either;

/** One copy of a blob: a volume and the subvolume (disk folder {@code svNN}) on it. */
public record Replica(Volume volume, int subvolume) {

    public Replica {
        if (volume == null) throw new IllegalArgumentException("replica needs a volume");
        if (subvolume < 0 || subvolume >= BlobPath.MAX_SUBVOLUMES) {
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
        if (sv < 0 || sv >= BlobPath.MAX_SUBVOLUMES) return Either.left("replica '" + text + "' has a subvolume out of range");
        return Volume.parse(text.substring(0, slash)).map(v -> new Replica(v, sv));
    }

    @Override
    public String toString() {
        return volume + "/" + subvolume;
    }
}
