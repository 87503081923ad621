package mkv.domain;

import mkv.domain.ClusterId;

/** What a volume's cluster marker file said: whose volume it is, if anyone's. */
public sealed interface VolumeMark {
    /** The volume belongs to this cluster. */
    record Stamped(ClusterId cluster) implements VolumeMark {}

    /** No marker: a new volume, or one written before clusters had identities. */
    record Blank() implements VolumeMark {}

    /** A marker is there but cannot be read as one. */
    record Garbled(String why) implements VolumeMark {}

    /** The volume could not be asked. */
    record Failed(VolumeFailure failure) implements VolumeMark {}
}
