package mkv.domain.port;

import mkv.domain.BlobCopy;
import mkv.domain.BlobWrite;
import mkv.domain.Checksum;
import mkv.domain.SidecarRead;
import mkv.domain.Stat;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;
import mkv.domain.VolumeMark;
import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import mkv.domain.BlobPath;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Sidecar;
import mkv.domain.Volume;
import mkv.domain.flow.Copies;
import org.junit.jupiter.api.Test;

/**
 * What volumes must do in each of their roles ({@link Blobs}, the data path; {@link Volumes}, the
 * admin tools' view; {@link Probe}), run against the in-memory fake and real nginx alike, and
 * seen only through the ports: a use-case test on the fake means something only if the fake
 * answers as nginx does. Each test makes its own keys, so volumes may be shared between tests.
 */
public abstract class VolumesContract<V extends Blobs & Volumes & Probe> {

    /** The volumes under test, in all three roles. */
    protected abstract V volumes();

    /** A volume that is up: {@code i} is 0 or 1, two distinct volumes. */
    protected abstract Volume up(int i);

    /** A volume that does not answer: every call to it fails as unreachable. */
    protected abstract Volume down();

    /** How the volumes under test are reached: the start of each of their URLs. */
    protected String scheme() {
        return "http://";
    }

    // ---- fixtures ---------------------------------------------------------------------------

    /** Within one chunk (the nginx adapter sends it whole), and well beyond one (it streams it). */
    static final int SMALL = 100;
    static final int LARGE = 200_000;

    static final Instant CREATED = Instant.ofEpochMilli(1_790_000_000_123L);

    static Key freshKey(String name) {
        return new Key("/volumes-contract/" + name + "/" + UUID.randomUUID());
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Md5 md5(byte[] bytes) {
        try {
            return Md5.of(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Body body(byte[] bytes) {
        return new Body(new ByteArrayInputStream(bytes), bytes.length);
    }

    /** A client body that sends {@code sent} bytes and then breaks off. */
    static Body breaking(byte[] bytes, int sent) {
        InputStream in = new InputStream() {
            private int position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= sent) throw new IOException("client went away");
                int n = Math.min(len, sent - position);
                System.arraycopy(bytes, position, b, off, n);
                position += n;
                return n;
            }
        };
        return new Body(in, bytes.length);
    }

    static Sidecar sidecar(Key key, byte[] bytes) {
        return new Sidecar(key, bytes.length, md5(bytes), EntryState.LIVE, CREATED, Sidecar.FORMAT);
    }

    /** Writes the blob and its sidecar to one replica, as a PUT does, and checks both landed. */
    private Sidecar stored(Key key, Replica replica, byte[] bytes) {
        BlobWrite write = volumes().write(key, 0, List.of(replica), body(bytes), "req-store");
        assertThat(write.transfers()).containsExactly(new Transfer.Done(replica));
        Sidecar sidecar = sidecar(key, bytes);
        assertThat(volumes().writeSidecar(replica, sidecar, "req-store")).isEqualTo(new Transfer.Done(replica));
        return sidecar;
    }

    private static void unreachable(Object outcome, Replica replica) {
        assertThat(outcome).isInstanceOfSatisfying(Transfer.Failed.class, f -> {
            assertThat(f.replica()).isEqualTo(replica);
            assertThat(f.failure()).isInstanceOf(VolumeFailure.Unreachable.class);
        });
    }

    private static void failedWith(Transfer outcome, Replica replica, Class<? extends VolumeFailure> failure) {
        assertThat(outcome).isInstanceOfSatisfying(Transfer.Failed.class, f -> {
            assertThat(f.replica()).isEqualTo(replica);
            assertThat(f.failure()).isInstanceOf(failure);
        });
    }

    private void holdsNothing(Replica replica, Key key) {
        assertThat(volumes().stat(replica, key, 0)).isEqualTo(new Stat.Missing());
        assertThat(volumes().checksum(replica, key, 0)).isEqualTo(new Checksum.Missing());
        assertThat(volumes().readSidecar(replica.volume(), BlobPath.of(key, replica))).isEqualTo(new SidecarRead.Missing());
    }

    // ---- write ------------------------------------------------------------------------------

    @Test
    void a_write_lands_whole_on_every_target_and_reports_its_size_and_md5() {
        for (int size : new int[] {1, SMALL, LARGE}) {
            Key key = freshKey("write-" + size);
            byte[] bytes = bytes(size, size);
            Seq<Replica> targets = List.of(new Replica(up(0), 1), new Replica(up(1), 2), new Replica(up(0), 3));

            BlobWrite write = volumes().write(key, 0, targets, body(bytes), "req-write");

            assertThat(write.bodyError()).isEmpty();
            assertThat(write.transfers()).containsExactlyElementsOf(targets.map(Transfer.Done::new));
            assertThat(write.size()).isEqualTo(size);
            assertThat(write.md5()).isEqualTo(md5(bytes));
            for (Replica r : targets) {
                assertThat(volumes().stat(r, key, 0)).isEqualTo(new Stat.Present(size));
                assertThat(volumes().checksum(r, key, 0)).isEqualTo(new Checksum.Computed(size, md5(bytes)));
            }
        }
    }

    @Test
    void a_chunked_write_of_unknown_length_lands_whole() {
        Key key = freshKey("chunked");
        byte[] bytes = bytes(LARGE + 17, 2);
        Replica replica = new Replica(up(1), 0);

        BlobWrite write = volumes().write(key, 0, List.of(replica), new Body(new ByteArrayInputStream(bytes), -1), "req-chunked");

        assertThat(write.bodyError()).isEmpty();
        assertThat(write.transfers()).containsExactly(new Transfer.Done(replica));
        assertThat(write.size()).isEqualTo(bytes.length);
        assertThat(volumes().checksum(replica, key, 0)).isEqualTo(new Checksum.Computed(bytes.length, md5(bytes)));
    }

    @Test
    void a_second_write_replaces_the_blob() {
        Key key = freshKey("overwrite");
        Replica replica = new Replica(up(0), 4);
        volumes().write(key, 0, List.of(replica), body(bytes(SMALL, 1)), "req-1");
        byte[] second = bytes(SMALL / 2, 2);

        assertThat(volumes().write(key, 0, List.of(replica), body(second), "req-2").transfers()).containsExactly(new Transfer.Done(replica));

        assertThat(volumes().checksum(replica, key, 0)).isEqualTo(new Checksum.Computed(second.length, md5(second)));
    }

    @Test
    void generations_of_one_key_live_side_by_side_at_their_own_paths() {
        Key key = freshKey("generations");
        Replica replica = new Replica(up(0), 5);
        byte[] old = bytes(SMALL, 21), young = bytes(LARGE, 22);
        Sidecar oldSidecar = new Sidecar(key, old.length, md5(old), EntryState.LIVE, CREATED, 0, Sidecar.FORMAT);
        Sidecar youngSidecar = new Sidecar(key, young.length, md5(young), EntryState.LIVE, CREATED, 7, Sidecar.FORMAT);
        volumes().write(key, 0, List.of(replica), body(old), "req-g0");
        volumes().writeSidecar(replica, oldSidecar, "req-g0");

        assertThat(volumes().write(key, 7, List.of(replica), body(young), "req-g7").transfers()).containsExactly(new Transfer.Done(replica));
        assertThat(volumes().writeSidecar(replica, youngSidecar, "req-g7")).isEqualTo(new Transfer.Done(replica));

        // Writing generation 7 left generation 0 whole, and each reads back at its own path.
        assertThat(volumes().checksum(replica, key, 0)).isEqualTo(new Checksum.Computed(old.length, md5(old)));
        assertThat(volumes().checksum(replica, key, 7)).isEqualTo(new Checksum.Computed(young.length, md5(young)));
        assertThat(volumes().readSidecar(replica.volume(), BlobPath.of(key, 0, replica))).isEqualTo(new SidecarRead.Found(oldSidecar));
        assertThat(volumes().readSidecar(replica.volume(), BlobPath.of(key, 7, replica))).isEqualTo(new SidecarRead.Found(youngSidecar));
        assertThat(withoutQuery(volumes().url(replica, key, 7))).endsWith(BlobPath.of(key, 7, replica).path());

        // Deleting one generation leaves the other.
        assertThat(volumes().delete(replica, key, 0, "req-d0")).isEqualTo(new Transfer.Done(replica));
        assertThat(volumes().stat(replica, key, 0)).isEqualTo(new Stat.Missing());
        assertThat(volumes().stat(replica, key, 7)).isEqualTo(new Stat.Present(young.length));

        // A copy carries the sidecar's generation to the same generation's path on the target.
        Replica to = new Replica(up(1), 6);
        assertThat(copied(replica, to, youngSidecar, "req-c7")).isEqualTo(new Transfer.Done(to));
        assertThat(volumes().checksum(to, key, 7)).isEqualTo(new Checksum.Computed(young.length, md5(young)));
        assertThat(volumes().stat(to, key, 0)).isEqualTo(new Stat.Missing());
        assertThat(volumes().deleteFiles(to.volume(), BlobPath.of(key, 7, to), "req-df")).isEqualTo(new Transfer.Done(to));
        assertThat(volumes().stat(to, key, 7)).isEqualTo(new Stat.Missing());
        assertThat(volumes().delete(replica, key, 7, "req-d7")).isEqualTo(new Transfer.Done(replica));
    }

    @Test
    void a_body_that_breaks_off_fails_every_target_as_a_short_write_and_says_why() {
        for (int size : new int[] {SMALL, LARGE}) {
            Key key = freshKey("broken-" + size);
            Seq<Replica> targets = List.of(new Replica(up(0), 2), new Replica(up(1), 2));

            BlobWrite write = volumes().write(key, 0, targets, breaking(bytes(size, 3), size / 2), "req-broken");

            assertThat(write.bodyError()).as("%d bytes", size).isNotEmpty();
            assertThat(write.transfers().map(Transfer::replica)).containsExactlyElementsOf(targets);
            for (Transfer t : write.transfers()) failedWith(t, t.replica(), VolumeFailure.ShortWrite.class);
        }
    }

    @Test
    void a_body_shorter_or_longer_than_it_declared_fails_every_target() {
        for (int size : new int[] {SMALL, LARGE}) {
            for (int sent : new int[] {size - 1, size + 1}) {
                Key key = freshKey("framing-" + size + "-" + sent);
                Seq<Replica> targets = List.of(new Replica(up(0), 8), new Replica(up(1), 8));
                Body lying = new Body(new ByteArrayInputStream(bytes(sent, 4)), size);

                BlobWrite write = volumes().write(key, 0, targets, lying, "req-framing");

                assertThat(write.bodyError()).as("%d bytes declared, %d sent", size, sent).isNotEmpty();
                assertThat(write.transfers()).as("%d bytes declared, %d sent", size, sent).noneMatch(Transfer::ok);
                assertThat(write.transfers().map(Transfer::replica)).containsExactlyElementsOf(targets);
            }
        }
    }

    @Test
    void a_write_to_a_volume_that_is_down_fails_that_target_alone() {
        for (int size : new int[] {SMALL, LARGE}) {
            Key key = freshKey("partly-down-" + size);
            byte[] bytes = bytes(size, 5);
            Replica a = new Replica(up(0), 1), gone = new Replica(down(), 1), b = new Replica(up(1), 1);

            BlobWrite write = volumes().write(key, 0, List.of(a, gone, b), body(bytes), "req-partly");

            assertThat(write.bodyError()).isEmpty();
            assertThat(write.transfers()).hasSize(3);
            assertThat(write.transfers().get(0)).isEqualTo(new Transfer.Done(a));
            unreachable(write.transfers().get(1), gone);
            assertThat(write.transfers().get(2)).isEqualTo(new Transfer.Done(b));
            assertThat(write.md5()).isEqualTo(md5(bytes));
            assertThat(volumes().checksum(a, key, 0)).isEqualTo(new Checksum.Computed(size, md5(bytes)));
            assertThat(volumes().checksum(b, key, 0)).isEqualTo(new Checksum.Computed(size, md5(bytes)));
        }
    }

    // ---- sidecars ---------------------------------------------------------------------------

    @Test
    void a_sidecar_reads_back_exactly_and_a_rewrite_replaces_it() {
        Key key = new Key("/volumes-contract/sidecar/ünï \"q\" ☃/" + UUID.randomUUID());
        Replica replica = new Replica(up(1), 3);
        Sidecar live = sidecar(key, bytes(42, 6));

        assertThat(volumes().writeSidecar(replica, live, "req-sc")).isEqualTo(new Transfer.Done(replica));
        assertThat(volumes().readSidecar(up(1), BlobPath.of(key, replica))).isEqualTo(new SidecarRead.Found(live));

        Sidecar unlinked = new Sidecar(key, live.size(), live.md5(), EntryState.UNLINKED, CREATED.plusSeconds(1), Sidecar.FORMAT);
        assertThat(volumes().writeSidecar(replica, unlinked, "req-sc-2")).isEqualTo(new Transfer.Done(replica));
        assertThat(volumes().readSidecar(up(1), BlobPath.of(key, replica))).isEqualTo(new SidecarRead.Found(unlinked));
    }

    @Test
    void a_sidecar_belongs_to_its_own_volume_and_subvolume() {
        Key key = freshKey("sidecar-place");
        volumes().writeSidecar(new Replica(up(0), 3), sidecar(key, bytes(5, 7)), "req-sc");

        assertThat(volumes().readSidecar(up(0), BlobPath.of(key, 4))).isEqualTo(new SidecarRead.Missing());
        assertThat(volumes().readSidecar(up(1), BlobPath.of(key, 3))).isEqualTo(new SidecarRead.Missing());
    }

    // ---- delete -----------------------------------------------------------------------------

    @Test
    void delete_removes_the_blob_and_its_sidecar_and_is_done_when_they_are_already_gone() {
        Key key = freshKey("delete");
        Replica replica = new Replica(up(0), 6);
        stored(key, replica, bytes(SMALL, 8));

        assertThat(volumes().delete(replica, key, 0, "req-del")).isEqualTo(new Transfer.Done(replica));
        holdsNothing(replica, key);

        assertThat(volumes().delete(replica, key, 0, "req-del-again")).isEqualTo(new Transfer.Done(replica));
        Key never = freshKey("never-written");
        assertThat(volumes().delete(replica, never, 0, "req-del-never")).isEqualTo(new Transfer.Done(replica));
    }

    @Test
    void delete_touches_only_its_own_replica() {
        Key key = freshKey("delete-one");
        byte[] bytes = bytes(SMALL, 9);
        Replica gone = new Replica(up(0), 1), sameVolume = new Replica(up(0), 2), otherVolume = new Replica(up(1), 1);
        for (Replica r : List.of(gone, sameVolume, otherVolume)) stored(key, r, bytes);

        volumes().delete(gone, key, 0, "req-del");

        holdsNothing(gone, key);
        for (Replica r : List.of(sameVolume, otherVolume)) {
            assertThat(volumes().stat(r, key, 0)).isEqualTo(new Stat.Present(SMALL));
            assertThat(volumes().readSidecar(r.volume(), BlobPath.of(key, r))).isEqualTo(new SidecarRead.Found(sidecar(key, bytes)));
        }
    }

    @Test
    void delete_files_removes_what_lies_at_a_path_whatever_key_it_holds() {
        Key key = freshKey("delete-files");
        byte[] bytes = bytes(SMALL, 10);
        Replica orphan = new Replica(up(1), 5), kept = new Replica(up(1), 6);
        stored(key, orphan, bytes);
        stored(key, kept, bytes);

        assertThat(volumes().deleteFiles(up(1), BlobPath.of(key, orphan), "req-orphan")).isEqualTo(new Transfer.Done(orphan));

        holdsNothing(orphan, key);
        assertThat(volumes().checksum(kept, key, 0)).isEqualTo(new Checksum.Computed(SMALL, md5(bytes)));
        assertThat(volumes().deleteFiles(up(1), BlobPath.of(key, orphan), "req-orphan-again")).isEqualTo(new Transfer.Done(orphan));
    }

    @Test
    void deleting_a_temp_file_that_is_gone_is_done_and_on_a_down_volume_fails_as_unreachable() {
        mkv.domain.TempFile file = new mkv.domain.TempFile("/sv04/.tmp/0000000042");
        assertThat(volumes().deleteTemp(up(0), file, "req-temp")).isEqualTo(new Transfer.Done(new Replica(up(0), 4)));
        unreachable(volumes().deleteTemp(down(), file, "req-temp"), new Replica(down(), 4));
    }

    // ---- stat, checksum, list ---------------------------------------------------------------

    @Test
    void a_blob_that_is_not_there_is_missing_to_stat_checksum_and_read_sidecar() {
        holdsNothing(new Replica(up(0), 9), freshKey("missing"));
    }

    @Test
    void a_listing_names_subvolumes_and_folders_as_folders_and_a_blob_and_its_sidecar_as_files() {
        Key key = freshKey("list");
        Replica replica = new Replica(up(1), 7);
        stored(key, replica, bytes(77, 11));
        BlobPath path = BlobPath.of(key, replica);
        String digest = path.digest();

        assertThat(found(volumes().list(up(1), "/"))).anySatisfy(folder("sv07"));
        assertThat(found(volumes().list(up(1), "/sv07/"))).anySatisfy(folder(digest.substring(0, 2)));
        assertThat(found(volumes().list(up(1), "/sv07/" + digest.substring(0, 2) + "/"))).anySatisfy(folder(digest.substring(2, 4)));
        Seq<Listing.Item> files = found(volumes().list(up(1), path.path().substring(0, path.path().lastIndexOf('/') + 1)));
        assertThat(files).anySatisfy(item -> {
            assertThat(item.name()).isEqualTo(digest);
            assertThat(item.folder()).isFalse();
            assertThat(item.size()).isEqualTo(77);
        });
        assertThat(files).anySatisfy(item -> {
            assertThat(item.name()).isEqualTo(digest + ".key");
            assertThat(item.folder()).isFalse();
            assertThat(item.size()).isPositive();
        });
        assertThat(files).allSatisfy(item -> assertThat(item.modified()).isBefore(Instant.now().plusSeconds(60)));
    }

    @Test
    void a_folder_that_does_not_exist_lists_as_empty() {
        assertThat(volumes().list(up(0), "/sv97/zz/")).isEqualTo(new Listing.Found(List.empty()));
    }

    private static Seq<Listing.Item> found(Listing listing) {
        assertThat(listing).isInstanceOf(Listing.Found.class);
        return ((Listing.Found) listing).items();
    }

    private static java.util.function.Consumer<Listing.Item> folder(String name) {
        return item -> {
            assertThat(item.name()).isEqualTo(name);
            assertThat(item.folder()).isTrue();
            assertThat(item.size()).isZero();
        };
    }

    // ---- copy: the stream (Volumes), then the domain's verdict (Copies) ------------------------

    /** A copy as the admin tools make it: streamed by the volumes, judged and finished by the domain. */
    private Transfer copied(Replica from, Replica to, Sidecar sidecar, String requestId) {
        return Copies.copy(volumes(), volumes(), from, to, sidecar, requestId);
    }

    @Test
    void a_copy_streams_the_blob_to_the_target_and_reports_what_arrived_without_writing_a_sidecar() {
        for (int size : new int[] {SMALL, LARGE}) {
            Key key = freshKey("stream-" + size);
            byte[] bytes = bytes(size, 18);
            Replica from = new Replica(up(0), 5), to = new Replica(up(1), 5);
            Sidecar sidecar = stored(key, from, bytes);

            assertThat(volumes().copy(from, to, key, 0, "req-stream")).isEqualTo(new BlobCopy.Arrived(to, size, md5(bytes)));

            assertThat(volumes().checksum(to, key, 0)).isEqualTo(new Checksum.Computed(size, md5(bytes)));
            assertThat(volumes().readSidecar(to.volume(), BlobPath.of(key, to))).isEqualTo(new SidecarRead.Missing());
            assertThat(volumes().readSidecar(from.volume(), BlobPath.of(key, from))).isEqualTo(new SidecarRead.Found(sidecar));
        }
    }

    @Test
    void a_copy_puts_the_blob_and_its_sidecar_on_the_target_and_keeps_the_source() {
        for (int size : new int[] {SMALL, LARGE}) {
            Key key = freshKey("copy-" + size);
            byte[] bytes = bytes(size, 12);
            Replica from = new Replica(up(0), 3), to = new Replica(up(1), 4);
            Sidecar sidecar = stored(key, from, bytes);

            assertThat(copied(from, to, sidecar, "req-copy")).isEqualTo(new Transfer.Done(to));

            for (Replica r : List.of(from, to)) {
                assertThat(volumes().checksum(r, key, 0)).isEqualTo(new Checksum.Computed(size, md5(bytes)));
                assertThat(volumes().readSidecar(r.volume(), BlobPath.of(key, r))).isEqualTo(new SidecarRead.Found(sidecar));
            }
        }
    }

    @Test
    void a_copy_from_a_replica_without_the_blob_fails_naming_the_source_and_leaves_nothing() {
        Key key = freshKey("copy-missing");
        Replica from = new Replica(up(0), 1), to = new Replica(up(1), 1);

        assertThat(volumes().copy(from, to, key, 0, "req-copy")).isEqualTo(new BlobCopy.Failed(from, new VolumeFailure.Refused(404)));
        Transfer copy = copied(from, to, sidecar(key, bytes(SMALL, 13)), "req-copy");

        assertThat(copy).isEqualTo(new Transfer.Failed(from, new VolumeFailure.Refused(404)));
        holdsNothing(to, key);
    }

    @Test
    void a_copy_whose_source_has_another_size_than_the_sidecar_fails_as_a_mismatch_of_the_source() {
        Key key = freshKey("copy-size");
        byte[] bytes = bytes(SMALL, 14);
        Replica from = new Replica(up(0), 2), to = new Replica(up(1), 2);
        stored(key, from, bytes);
        Sidecar claims = new Sidecar(key, SMALL + 1, md5(bytes), EntryState.LIVE, CREATED, Sidecar.FORMAT);

        failedWith(copied(from, to, claims, "req-copy"), from, VolumeFailure.Mismatch.class);

        holdsNothing(to, key);
    }

    @Test
    void a_copy_whose_bytes_do_not_match_the_sidecars_md5_fails_as_a_mismatch_and_leaves_nothing() {
        for (int size : new int[] {SMALL, LARGE}) {
            Key key = freshKey("copy-md5-" + size);
            byte[] bytes = bytes(size, 15);
            Replica from = new Replica(up(1), 3), to = new Replica(up(0), 3);
            stored(key, from, bytes);
            Sidecar claims = new Sidecar(key, size, md5(bytes(size, 16)), EntryState.LIVE, CREATED, Sidecar.FORMAT);

            Transfer copy = copied(from, to, claims, "req-copy");

            assertThat(copy).isInstanceOfSatisfying(Transfer.Failed.class,
                    f -> assertThat(f.failure()).isInstanceOf(VolumeFailure.Mismatch.class));
            holdsNothing(to, key);
        }
    }

    // ---- url, ping, and a volume that is down ------------------------------------------------

    /** A URL up to its query: a signed volume's URLs carry their signature there. */
    protected static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    @Test
    void a_url_is_the_volumes_address_and_the_blob_path() {
        Key key = freshKey("url");
        for (Replica r : List.of(new Replica(up(0), 0), new Replica(up(1), 42), new Replica(new Volume("vol.example", 8080), 99))) {
            assertThat(withoutQuery(volumes().url(r, key, 0))).isEqualTo(scheme() + r.volume().host() + ":" + r.volume().port() + BlobPath.of(key, r).path());
        }
    }

    @Test
    void ping_is_done_for_a_volume_that_is_up() {
        assertThat(volumes().ping(up(0))).isEqualTo(new Transfer.Done(new Replica(up(0), 0)));
        assertThat(volumes().ping(up(1))).isEqualTo(new Transfer.Done(new Replica(up(1), 0)));
    }

    @Test
    void a_cluster_marker_reads_back_as_written_and_a_new_one_replaces_it() {
        var first = new mkv.domain.ClusterId(java.util.UUID.randomUUID().toString());
        var second = new mkv.domain.ClusterId(java.util.UUID.randomUUID().toString());
        assertThat(volumes().writeMark(up(2), first, "req-mark").ok()).isTrue();
        assertThat(volumes().readMark(up(2))).isEqualTo(new VolumeMark.Stamped(first));
        assertThat(volumes().writeMark(up(2), second, "req-mark").ok()).isTrue();
        assertThat(volumes().readMark(up(2))).isEqualTo(new VolumeMark.Stamped(second));
        unreachable(volumes().writeMark(down(), first, "req-mark"), new Replica(down(), 0));
        assertThat(volumes().readMark(down())).isInstanceOfSatisfying(VolumeMark.Failed.class,
                f -> assertThat(f.failure()).isInstanceOf(VolumeFailure.Unreachable.class));
    }

    @Test
    void every_call_to_a_volume_that_is_down_fails_as_unreachable_and_none_throws() {
        Key key = freshKey("down");
        byte[] bytes = bytes(SMALL, 17);
        Replica gone = new Replica(down(), 4);
        Replica source = new Replica(up(0), 4);
        Sidecar sidecar = stored(key, source, bytes);
        BlobPath path = BlobPath.of(key, gone);

        BlobWrite write = volumes().write(key, 0, List.of(gone), body(bytes), "req-down");
        assertThat(write.transfers()).hasSize(1);
        unreachable(write.transfers().head(), gone);
        unreachable(volumes().writeSidecar(gone, sidecar, "req-down"), gone);
        unreachable(volumes().delete(gone, key, 0, "req-down"), gone);
        unreachable(volumes().deleteFiles(down(), path, "req-down"), gone);
        unreachable(volumes().ping(down()), new Replica(down(), 0));
        assertThat(volumes().copy(source, gone, key, 0, "req-down")).isInstanceOfSatisfying(BlobCopy.Failed.class, f -> {
            assertThat(f.replica()).isEqualTo(gone);
            assertThat(f.failure()).isInstanceOf(VolumeFailure.Unreachable.class);
        });
        unreachable(copied(source, gone, sidecar, "req-down"), gone);
        unreachable(copied(gone, new Replica(up(1), 4), sidecar, "req-down"), gone);
        holdsNothing(new Replica(up(1), 4), key);
        assertThat(volumes().stat(gone, key, 0)).isInstanceOfSatisfying(Stat.Unknown.class,
                u -> assertThat(u.failure()).isInstanceOf(VolumeFailure.Unreachable.class));
        assertThat(volumes().checksum(gone, key, 0)).isInstanceOfSatisfying(Checksum.Unknown.class,
                u -> assertThat(u.failure()).isInstanceOf(VolumeFailure.Unreachable.class));
        assertThat(volumes().readSidecar(down(), path)).isInstanceOfSatisfying(SidecarRead.Failed.class,
                f -> assertThat(f.failure()).isInstanceOf(VolumeFailure.Unreachable.class));
        assertThat(volumes().list(down(), "/")).isInstanceOfSatisfying(Listing.Failed.class,
                f -> assertThat(f.failure()).isInstanceOf(VolumeFailure.Unreachable.class));
    }
}
