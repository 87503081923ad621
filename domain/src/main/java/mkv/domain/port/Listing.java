package mkv.domain.port;

import mkv.domain.VolumeFailure;
import io.vavr.collection.Seq;
import java.time.Instant;

/** What a volume holds in one folder: its files and subfolders, or why it could not say. */
public sealed interface Listing {

    /** One name in a folder; {@code size} is 0 for folders. */
    record Item(String name, boolean folder, long size, Instant modified) {}

    /** The folder's contents; a folder that does not exist lists as empty. */
    record Found(Seq<Item> items) implements Listing {}

    record Failed(VolumeFailure failure) implements Listing {}
}
