package mkv.domain;

import mkv.domain.Md5;

/** What reading a stored blob end to end gave: its size and md5, computed while streaming. */
public sealed interface Checksum {
    record Computed(long size, Md5 md5) implements Checksum {}

    record Missing() implements Checksum {}

    record Unknown(VolumeFailure failure) implements Checksum {}
}
