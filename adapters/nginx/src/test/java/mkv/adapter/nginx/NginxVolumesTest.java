package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.UUID;
import java.util.stream.Stream;
import mkv.domain.BlobPath;
import mkv.domain.EntryState;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Sidecar;
import mkv.domain.Volume;
import mkv.domain.BlobWrite;
import mkv.domain.port.Body;
import mkv.domain.Stat;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;
import mkv.domain.port.VolumesContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NginxVolumes against three real nginx volumes, each started by NginxVolumeProcess in a temp
 * folder: the {@link VolumesContract} the fake also holds to, and what only files on disk show.
 * The volumes accept only signed requests, so every call of the contract is signed as nginx checks.
 */
class NginxVolumesTest extends VolumesContract<NginxVolumes> {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    static final SigningKeys KEYS = SigningKeys.parse("test 0123456789abcdef0123456789abcdef").get();
    private static final java.util.regex.Pattern SIGNED = java.util.regex.Pattern.compile("\\?kid=test&expires=\\d+&sig=[A-Za-z0-9_-]{22}");

    @TempDir
    static Path root;

    private static final java.util.List<NginxVolumeProcess> processes = new ArrayList<>();
    private static NginxVolumes volumes;
    private static int downPort;

    @BeforeAll
    static void start_three_volumes() throws IOException {
        try {
            for (int i = 0; i < 3; i++) processes.add(startVolume(root.resolve("vol" + i)));
            downPort = freePort();
        } catch (IOException | RuntimeException e) {
            stop_volumes();
            throw e;
        }
        volumes = new NginxVolumes(NginxVolumes.Options.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(10)),
                new NginxVolumes.Signing(new UrlSigner(KEYS), java.time.Clock.systemUTC(), Duration.ofMinutes(5)));
    }

    @AfterAll
    static void stop_volumes() {
        if (volumes != null) volumes.close();
        for (NginxVolumeProcess process : processes) process.close();
        for (NginxVolumeProcess process : processes) assertThat(process.isAlive()).isFalse();
    }

    private static NginxVolumeProcess startVolume(Path dir) throws IOException {
        return NginxVolumeProcess.start(NginxConfig.of(dir, freePort(), ROOT ? io.vavr.control.Option.some(new WorkerUser("root", "root")) : io.vavr.control.Option.none())
                .withKeys(io.vavr.control.Option.some(KEYS)), Duration.ofSeconds(10));
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Volume volume(int i) {
        return new Volume("127.0.0.1", processes.get(i).config().port());
    }

    @Override
    protected NginxVolumes volumes() {
        return volumes;
    }

    @Override
    protected Volume up(int i) {
        return volume(i);
    }

    /** A loopback port that nothing listens on. */
    @Override
    protected Volume down() {
        return new Volume("127.0.0.1", downPort);
    }

    private static Seq<Replica> threeReplicas(int subvolume) {
        return List.range(0, 3).map(i -> new Replica(volume(i), subvolume));
    }

    private static Path blobFile(int volume, Key key, int subvolume) {
        return processes.get(volume).config().dataRoot().resolve(BlobPath.of(key, subvolume).path().substring(1));
    }

    private static Key freshKey(String name) {
        return new Key("/nginx-test/" + name + "/" + UUID.randomUUID());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {1, 1024 * 1024, 64L * 1024 * 1024})
    void a_streamed_value_lands_whole_on_all_three_volumes(long length) {
        Key key = freshKey("size-" + length);
        long seed = length * 7 + 3;
        Seq<Replica> targets = threeReplicas(5);

        BlobWrite write = volumes.write(key, 0, targets, new Body(TestBodies.pattern(length, seed), length), "req-size");

        assertThat(write.bodyError()).isEmpty();
        assertThat(write.transfers()).containsExactlyElementsOf(targets.map(Transfer.Done::new));
        assertThat(write.size()).isEqualTo(length);
        assertThat(write.md5().hex()).isEqualTo(TestBodies.md5(TestBodies.pattern(length, seed)));
        String sha = TestBodies.sha256(TestBodies.pattern(length, seed));
        for (int v = 0; v < 3; v++) {
            Path file = blobFile(v, key, 5);
            assertThat(file).exists().hasSize(length);
            assertThat(TestBodies.sha256(file)).isEqualTo(sha);
        }
    }

    @Test
    void a_chunked_value_lands_whole_on_all_three_volumes() {
        Key key = freshKey("chunked");
        long length = 3 * 1024 * 1024 + 17;
        BlobWrite write = volumes.write(key, 0, threeReplicas(1), new Body(TestBodies.pattern(length, 1), -1), "req-chunked");

        assertThat(write.bodyError()).isEmpty();
        assertThat(write.transfers()).allMatch(Transfer::ok);
        assertThat(write.size()).isEqualTo(length);
        for (int v = 0; v < 3; v++) assertThat(blobFile(v, key, 1)).hasSize(length);
    }

    @Test
    void a_body_that_breaks_off_leaves_no_blob_anywhere() {
        Key key = freshKey("broken");
        BlobWrite write = volumes.write(key, 0, threeReplicas(2),
                new Body(TestBodies.breaking(4 * 1024 * 1024, 2, 1024 * 1024 + 5), 4 * 1024 * 1024), "req-broken");

        assertThat(write.bodyError().isDefined()).isTrue();
        assertThat(write.transfers()).noneMatch(Transfer::ok);
        for (int v = 0; v < 3; v++) assertThat(blobFile(v, key, 2)).doesNotExist();
    }

    @Test
    void a_small_body_that_breaks_off_with_an_unchecked_exception_is_a_broken_body_not_an_escape() {
        // Helidon reports a client gone mid-body with unchecked exceptions; a body that fits one
        // chunk is read whole before any upload, so nothing may reach a volume either.
        Key key = freshKey("broken-small");
        InputStream goneAfter500 = new InputStream() {
            private int left = 500;

            @Override
            public int read() {
                if (left-- > 0) return 'x';
                throw new IllegalStateException("client closed the connection");
            }
        };
        BlobWrite write = volumes.write(key, 0, threeReplicas(2), new Body(goneAfter500, 1000), "req-broken-small");

        assertThat(write.bodyError().get()).contains("client closed the connection");
        assertThat(write.transfers()).noneMatch(Transfer::ok);
        for (int v = 0; v < 3; v++) assertThat(blobFile(v, key, 2)).doesNotExist();
    }

    @Test
    void the_sidecar_on_disk_decodes_back_to_the_same_sidecar() throws IOException {
        Key key = new Key("/nginx-test/sidecar/ünï ☃/" + UUID.randomUUID());
        Sidecar sidecar = new Sidecar(key, 42, new Md5("0123456789abcdef0123456789abcdef"), EntryState.LIVE,
                Instant.ofEpochMilli(1_790_000_000_123L), Sidecar.FORMAT);
        Replica replica = new Replica(volume(1), 3);

        assertThat(volumes.writeSidecar(replica, sidecar, "req-sidecar")).isEqualTo(new Transfer.Done(replica));

        Path file = processes.get(1).config().dataRoot().resolve(BlobPath.of(key, 3).sidecarPath().substring(1));
        assertThat(SidecarJson.decode(Files.readAllBytes(file)).get()).isEqualTo(sidecar);

        Sidecar unlinked = new Sidecar(key, 42, sidecar.md5(), EntryState.UNLINKED, sidecar.created(), Sidecar.FORMAT);
        assertThat(volumes.writeSidecar(replica, unlinked, "req-sidecar-2").ok()).isTrue();
        assertThat(SidecarJson.decode(Files.readAllBytes(file)).get()).isEqualTo(unlinked);
    }

    @Test
    void stat_sees_a_present_blob_with_its_size_and_a_missing_one() {
        Key key = freshKey("stat");
        Replica replica = new Replica(volume(0), 7);
        assertThat(volumes.stat(replica, key, 0)).isEqualTo(new Stat.Missing());

        volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(12345, 9), 12345), "req-stat");

        assertThat(volumes.stat(replica, key, 0)).isEqualTo(new Stat.Present(12345));
    }

    @Test
    void delete_removes_blob_and_sidecar_and_is_idempotent() {
        Key key = freshKey("delete");
        Replica replica = new Replica(volume(2), 4);
        BlobWrite write = volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(1000, 4), 1000), "req-del");
        volumes.writeSidecar(replica, new Sidecar(key, 1000, write.md5(), EntryState.LIVE, Instant.ofEpochMilli(1), Sidecar.FORMAT), "req-del");
        Path blob = blobFile(2, key, 4);
        Path sidecar = blob.resolveSibling(blob.getFileName() + ".key");
        assertThat(blob).exists();
        assertThat(sidecar).exists();

        assertThat(volumes.delete(replica, key, 0, "req-del-1")).isEqualTo(new Transfer.Done(replica));
        assertThat(blob).doesNotExist();
        assertThat(sidecar).doesNotExist();
        assertThat(volumes.delete(replica, key, 0, "req-del-2")).isEqualTo(new Transfer.Done(replica));
        assertThat(volumes.stat(replica, key, 0)).isEqualTo(new Stat.Missing());
    }

    @Test
    void the_url_serves_the_blob_as_octet_stream() throws Exception {
        Key key = freshKey("url");
        Replica replica = new Replica(volume(0), 11);
        volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(777, 5), 777), "req-url");

        String url = volumes.url(replica, key, 0);
        assertThat(withoutQuery(url)).isEqualTo("http://127.0.0.1:" + volume(0).port() + BlobPath.of(key, 11).path());
        assertThat(url.substring(withoutQuery(url).length())).matches(SIGNED);
        // A later generation's URL is its own path, built the same way without String.format.
        assertThat(withoutQuery(volumes.url(replica, key, 7))).isEqualTo("http://127.0.0.1:" + volume(0).port() + BlobPath.of(key, 7, replica).path());
        assertThat(withoutQuery(volumes.url(replica, key, Long.MAX_VALUE)))
                .isEqualTo("http://127.0.0.1:" + volume(0).port() + BlobPath.of(key, Long.MAX_VALUE, replica).path());
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> got = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.headers().firstValue("Content-Type")).contains("application/octet-stream");
            // No ETag of nginx's own (mtime-size) to contradict the coordinator's md5 ETag.
            assertThat(got.headers().firstValue("ETag")).isEmpty();
            assertThat(got.body()).hasSize(777);
            assertThat(TestBodies.sha256(new java.io.ByteArrayInputStream(got.body())))
                    .isEqualTo(TestBodies.sha256(TestBodies.pattern(777, 5)));
        }
    }

    @Test
    void ping_answers_done_for_a_running_volume_and_unreachable_for_a_stopped_one() throws IOException {
        assertThat(volumes.ping(volume(0)).ok()).isTrue();

        Volume stopped;
        try (NginxVolumeProcess extra = startVolume(root.resolve("stopped"))) {
            stopped = new Volume("127.0.0.1", extra.config().port());
            assertThat(volumes.ping(stopped).ok()).isTrue();
        }
        Transfer ping = volumes.ping(stopped);
        assertThat(ping).isInstanceOf(Transfer.Failed.class);
        assertThat(((Transfer.Failed) ping).failure()).isInstanceOf(VolumeFailure.Unreachable.class);
    }

    @Test
    void nginx_writes_nothing_outside_the_volume_folder() throws IOException {
        volumes.write(freshKey("layout"), 0, threeReplicas(0), new Body(TestBodies.pattern(100_000, 6), 100_000), "req-layout");
        for (NginxVolumeProcess process : processes) {
            NginxConfig config = process.config();
            assertThat(config.dir().startsWith(root)).isTrue();
            try (Stream<Path> top = Files.list(config.dataRoot())) {
                assertThat(top).allMatch(p -> p.getFileName().toString().matches("sv\\d\\d|\\.tmp") && Files.isDirectory(p)
                        || p.getFileName().toString().equals(MarkJson.PATH.substring(1)) && Files.isRegularFile(p));
            }
            try (Stream<Path> temp = Files.list(config.uploadTempDir())) {
                assertThat(temp).as("finished uploads were renamed out of the temp folder").isEmpty();
            }
            assertThat(config.pidFile()).exists();
            try (Stream<Path> all = Files.walk(config.dir())) {
                assertThat(all).allMatch(p -> p.startsWith(config.dir()));
            }
            assertThat(Files.readString(config.configFile())).doesNotContain("/var/");
        }
    }

    @Test
    void a_copy_streams_the_blob_and_its_sidecar_to_another_volume_and_checks_the_md5() {
        Key key = freshKey("copy");
        long length = 5 * 1024 * 1024 + 3;
        BlobWrite write = volumes.write(key, 0, List.of(new Replica(volume(0), 3)), new Body(TestBodies.pattern(length, 9), length), "req-copy");
        Sidecar sidecar = new Sidecar(key, length, write.md5(), EntryState.UNLINKED, Instant.ofEpochMilli(1_700_000_000_123L), Sidecar.FORMAT);
        assertThat(volumes.writeSidecar(new Replica(volume(0), 3), sidecar, "req-copy").ok()).isTrue();

        Transfer copy = mkv.domain.flow.Copies.copy(volumes, volumes, new Replica(volume(0), 3), new Replica(volume(1), 4), sidecar, "req-copy");

        assertThat(copy.ok()).isTrue();
        assertThat(TestBodies.sha256(blobFile(1, key, 4))).isEqualTo(TestBodies.sha256(blobFile(0, key, 3)));
        assertThat(volumes.readSidecar(volume(1), BlobPath.of(key, 4))).isEqualTo(new mkv.domain.SidecarRead.Found(sidecar));
        assertThat(volumes.checksum(new Replica(volume(1), 4), key, 0)).isEqualTo(new mkv.domain.Checksum.Computed(length, write.md5()));
    }

    @Test
    void a_copy_whose_source_does_not_match_the_index_leaves_nothing_on_the_target() throws IOException {
        Key key = freshKey("copy-bad");
        BlobWrite write = volumes.write(key, 0, List.of(new Replica(volume(0), 6)), new Body(TestBodies.pattern(1000, 2), 1000), "req");
        Sidecar wrong = new Sidecar(key, 1000, new Md5("0".repeat(32)), EntryState.LIVE, Instant.ofEpochMilli(5), Sidecar.FORMAT);

        Transfer copy = mkv.domain.flow.Copies.copy(volumes, volumes, new Replica(volume(0), 6), new Replica(volume(2), 6), wrong, "req");

        assertThat(copy.ok()).isFalse();
        assertThat(((Transfer.Failed) copy).failure()).isInstanceOf(VolumeFailure.Mismatch.class);
        assertThat(blobFile(2, key, 6)).doesNotExist();
        assertThat(volumes.readSidecar(volume(2), BlobPath.of(key, 6))).isEqualTo(new mkv.domain.SidecarRead.Missing());
    }

    @Test
    void a_listing_names_files_with_sizes_and_folders_and_a_missing_folder_is_empty() {
        Key key = freshKey("list");
        volumes.write(key, 0, List.of(new Replica(volume(1), 9)), new Body(TestBodies.pattern(77, 2), 77), "req");
        BlobPath path = BlobPath.of(key, 9);
        String folder = path.path().substring(0, path.path().lastIndexOf('/') + 1);

        var listing = volumes.list(volume(1), folder);

        assertThat(listing).isInstanceOf(mkv.domain.port.Listing.Found.class);
        var items = ((mkv.domain.port.Listing.Found) listing).items();
        assertThat(items).anySatisfy(item -> {
            assertThat(item.name()).isEqualTo(path.digest());
            assertThat(item.folder()).isFalse();
            assertThat(item.size()).isEqualTo(77);
            assertThat(item.modified()).isAfter(Instant.now().minusSeconds(600));
        });
        assertThat(((mkv.domain.port.Listing.Found) volumes.list(volume(1), "/")).items()).anyMatch(i -> i.folder() && i.name().equals("sv09"));
        assertThat(volumes.list(volume(1), "/sv42/zz/")).isEqualTo(new mkv.domain.port.Listing.Found(io.vavr.collection.Vector.empty()));
    }
}
