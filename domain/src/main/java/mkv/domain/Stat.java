package mkv.domain;

/** What a volume says of one stored file. */
public sealed interface Stat {
    record Present(long size) implements Stat {}

    record Missing() implements Stat {}

    record Unknown(VolumeFailure failure) implements Stat {}
}
