package mkv.domain;

import mkv.domain.Replica;

/** The outcome of one volume operation on one replica. */
public sealed interface Transfer {
    Replica replica();

    record Done(Replica replica) implements Transfer {}

    record Failed(Replica replica, VolumeFailure failure) implements Transfer {}

    default boolean ok() {
        return this instanceof Done;
    }
}
