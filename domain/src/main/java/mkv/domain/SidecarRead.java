package mkv.domain;

import mkv.domain.Sidecar;

/** What reading one {@code .key} sidecar from a volume gave. */
public sealed interface SidecarRead {
    record Found(Sidecar sidecar) implements SidecarRead {}

    record Missing() implements SidecarRead {}

    /** The file is there but is not a sidecar this build can trust. */
    record Unreadable(String why) implements SidecarRead {}

    record Failed(VolumeFailure failure) implements SidecarRead {}
}
