package mkv.adapter.nginx;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Volume faults injected with WireMock: every failure comes back as the right value, never as an exception. */
class NginxVolumesWireMockTest {

    // Generous enough that a loaded 2-core machine does not time out the calls meant to succeed
    // (500 ms did, under a load average of 14); the slow stub below stays far beyond it.
    // Long enough for WireMock to answer on a loaded machine (at 1.5 s, calls timed out with the load
    // average at 20); short enough that the slow-volume test below still waits it out quickly.
    private static final Duration READ_TIMEOUT = Duration.ofMillis(4000);

    private static WireMockServer wiremock;
    private NginxVolumes volumes;

    @BeforeAll
    static void start_wiremock() {
        wiremock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        wiremock.start();
    }

    @AfterAll
    static void stop_wiremock() {
        wiremock.stop();
    }

    @BeforeEach
    void fresh_client() {
        wiremock.resetAll();
        volumes = new NginxVolumes(NginxVolumes.Options.defaults().withTimeouts(Duration.ofMillis(3000), READ_TIMEOUT));
    }

    @AfterEach
    void close_client() {
        volumes.close();
    }

    private static Volume mock() {
        return new Volume("127.0.0.1", wiremock.port());
    }

    private static void answer(int status) {
        wiremock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status)));
    }

    private static VolumeFailure failure(Transfer transfer) {
        assertThat(transfer).isInstanceOf(Transfer.Failed.class);
        return ((Transfer.Failed) transfer).failure();
    }

    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static LoggedRequest onlyPut(String path) {
        var found = wiremock.findAll(putRequestedFor(urlEqualTo(path)));
        assertThat(found).hasSize(1);
        return found.getFirst();
    }

    @Test
    void a_fixed_length_write_sends_content_length_the_request_id_and_the_exact_bytes() {
        answer(201);
        Key key = new Key("/fixed");
        Replica replica = new Replica(mock(), 1);

        BlobWrite write = volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(300_000, 1), 300_000), "req-fixed");

        assertThat(write.transfers()).containsExactly(new Transfer.Done(replica));
        assertThat(write.bodyError().isEmpty()).isTrue();
        assertThat(write.size()).isEqualTo(300_000);
        LoggedRequest put = onlyPut(BlobPath.of(key, 1).path());
        assertThat(put.getHeader("X-Request-Id")).isEqualTo("req-fixed");
        assertThat(put.getHeader("Content-Length")).isEqualTo("300000");
        assertThat(put.containsHeader("Transfer-Encoding")).isFalse();
        assertThat(TestBodies.md5(new ByteArrayInputStream(put.getBody()))).isEqualTo(write.md5().hex());
    }

    @Test
    void a_body_of_unknown_length_is_sent_chunked() {
        answer(201);
        Key key = new Key("/chunked");
        Replica replica = new Replica(mock(), 2);

        BlobWrite write = volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(200_000, 2), -1), "req-chunked");

        assertThat(write.transfers()).containsExactly(new Transfer.Done(replica));
        assertThat(write.size()).isEqualTo(200_000);
        LoggedRequest put = onlyPut(BlobPath.of(key, 2).path());
        assertThat(put.containsHeader("Content-Length")).isFalse();
        assertThat(put.getHeader("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(put.getBody()).hasSize(200_000);
        assertThat(TestBodies.md5(new ByteArrayInputStream(put.getBody()))).isEqualTo(write.md5().hex());
    }

    @Test
    void an_overwrite_answered_204_is_done() {
        answer(204);
        Replica replica = new Replica(mock(), 0);
        BlobWrite write = volumes.write(new Key("/again"), 0, List.of(replica), new Body(TestBodies.pattern(10, 0), 10), "r");
        assertThat(write.transfers()).containsExactly(new Transfer.Done(replica));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 409, 403, 400})
    void a_volume_answering_a_failure_status_is_refused_with_that_status(int status) {
        answer(status);
        Key key = new Key("/refused");
        Replica replica = new Replica(mock(), 3);
        Sidecar sidecar = new Sidecar(key, 10, new Md5("0123456789abcdef0123456789abcdef"), EntryState.LIVE, Instant.EPOCH, Sidecar.FORMAT);

        BlobWrite write = volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(10, 3), 10), "r");

        assertThat(failure(write.transfers().get(0))).isEqualTo(new VolumeFailure.Refused(status));
        assertThat(write.bodyError().isEmpty()).isTrue();
        assertThat(failure(volumes.writeSidecar(replica, sidecar, "r"))).isEqualTo(new VolumeFailure.Refused(status));
        assertThat(failure(volumes.delete(replica, key, 0, "r"))).isEqualTo(new VolumeFailure.Refused(status));
        assertThat(volumes.stat(replica, key, 0)).isEqualTo(new Stat.Unknown(new VolumeFailure.Refused(status)));
    }

    @Test
    void a_closed_port_is_unreachable_for_every_call() throws IOException {
        Volume closed = new Volume("127.0.0.1", closedPort());
        Replica replica = new Replica(closed, 0);
        Key key = new Key("/nobody-home");

        BlobWrite write = volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(1000, 0), 1000), "r");

        assertThat(failure(write.transfers().get(0))).isInstanceOf(VolumeFailure.Unreachable.class);
        assertThat(write.bodyError().isEmpty()).isTrue();
        assertThat(failure(volumes.ping(closed))).isInstanceOf(VolumeFailure.Unreachable.class);
        assertThat(failure(volumes.delete(replica, key, 0, "r"))).isInstanceOf(VolumeFailure.Unreachable.class);
        assertThat(volumes.stat(replica, key, 0)).isInstanceOfSatisfying(Stat.Unknown.class,
                unknown -> assertThat(unknown.failure()).isInstanceOf(VolumeFailure.Unreachable.class));
    }

    @Test
    void a_connection_closed_without_an_answer_is_sent_again_once_and_failing_twice_is_lost() {
        wiremock.stubFor(any(anyUrl()).willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.EMPTY_RESPONSE)));
        Replica replica = new Replica(new Volume("127.0.0.1", wiremock.port()), 0);
        Key key = new Key("/closed/twice");
        Sidecar sidecar = new Sidecar(key, 5, Md5.of(new byte[16]), EntryState.LIVE, Instant.EPOCH, 0, Sidecar.FORMAT);

        // Both sendings may have landed before their connection closed: lost, so it is rolled back.
        assertThat(failure(volumes.writeSidecar(replica, sidecar, "r"))).isInstanceOf(VolumeFailure.Lost.class);
        assertThat(failure(volumes.delete(replica, key, 0, "r"))).isInstanceOf(VolumeFailure.Lost.class);
        BlobWrite small = volumes.write(key, 0, List.of(replica), new Body(new ByteArrayInputStream(new byte[100]), 100), "r");
        assertThat(failure(small.transfers().get(0))).isInstanceOf(VolumeFailure.Lost.class);
        // Each was sent exactly twice.
        assertThat(wiremock.findAll(putRequestedFor(anyUrl()))).hasSize(4);
        assertThat(wiremock.findAll(deleteRequestedFor(anyUrl()))).hasSize(2);
    }

    @Test
    void a_connection_closed_without_an_answer_once_is_sent_again_and_succeeds() {
        wiremock.stubFor(any(anyUrl()).inScenario("closed once").whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.EMPTY_RESPONSE)).willSetStateTo("open"));
        wiremock.stubFor(any(anyUrl()).inScenario("closed once").whenScenarioStateIs("open").willReturn(aResponse().withStatus(204)));
        Replica replica = new Replica(new Volume("127.0.0.1", wiremock.port()), 0);

        assertThat(volumes.remove(replica, new Key("/closed/once"), 0, BlobPath.Part.BLOB, "r").ok()).isTrue();
        assertThat(wiremock.findAll(deleteRequestedFor(anyUrl()))).hasSize(2);
    }

    @Test
    void a_volume_slower_than_the_read_timeout_times_out_for_every_call() {
        wiremock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(201).withFixedDelay(15_000)));
        Replica replica = new Replica(mock(), 0);
        Key key = new Key("/slow");

        long started = System.nanoTime();
        BlobWrite write = volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(1000, 0), 1000), "r");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(failure(write.transfers().get(0))).isInstanceOf(VolumeFailure.TimedOut.class);
        assertThat(took).isLessThan(Duration.ofMillis(12_000)); // the read timeout, not the volume's 15 s
        assertThat(failure(volumes.ping(mock()))).isInstanceOf(VolumeFailure.TimedOut.class);
        assertThat(failure(volumes.delete(replica, key, 0, "r"))).isInstanceOf(VolumeFailure.TimedOut.class);
        assertThat(volumes.stat(replica, key, 0)).isInstanceOfSatisfying(Stat.Unknown.class,
                unknown -> assertThat(unknown.failure()).isInstanceOf(VolumeFailure.TimedOut.class));
    }

    @Test
    void a_body_shorter_than_declared_is_a_body_error_and_a_short_write_everywhere() {
        answer(201);
        Seq<Replica> targets = List.of(new Replica(mock(), 1), new Replica(mock(), 2));

        BlobWrite write = volumes.write(new Key("/short"), 0, targets, new Body(TestBodies.pattern(500_000, 1), 1_000_000), "r");

        assertThat(write.bodyError().get()).contains("500000 of 1000000");
        assertThat(write.size()).isEqualTo(500_000);
        for (Transfer transfer : write.transfers()) {
            assertThat(failure(transfer)).isInstanceOfSatisfying(VolumeFailure.ShortWrite.class, shortWrite -> {
                assertThat(shortWrite.expected()).isEqualTo(1_000_000);
                assertThat(shortWrite.written()).isLessThanOrEqualTo(500_000);
            });
        }
        assertThat(wiremock.findAll(putRequestedFor(anyUrl()))).as("no volume saw a whole request").isEmpty();
    }

    @Test
    void a_body_stream_that_throws_is_a_body_error_and_aborts_every_upload() {
        answer(201);
        Seq<Replica> targets = List.of(new Replica(mock(), 1), new Replica(mock(), 2), new Replica(mock(), 3));

        BlobWrite write = volumes.write(new Key("/throws"), 0, targets,
                new Body(TestBodies.breaking(1_000_000, 1, 200_000), -1), "r");

        assertThat(write.bodyError().get()).contains("client went away");
        assertThat(write.transfers()).hasSize(3).allSatisfy(t -> assertThat(failure(t)).isInstanceOf(VolumeFailure.ShortWrite.class));
        assertThat(wiremock.findAll(putRequestedFor(anyUrl()))).as("no chunked upload was completed").isEmpty();
    }

    @Test
    void one_stalled_target_among_three_neither_blocks_nor_corrupts_the_other_two() throws Exception {
        answer(201);
        var held = new CopyOnWriteArrayList<Socket>();
        // WireMock needs a moment to journal a body this large: a longer read timeout than the other tests.
        Duration readTimeout = Duration.ofSeconds(5);
        try (var stalled = new ServerSocket();
             var patient = new NginxVolumes(NginxVolumes.Options.defaults().withTimeouts(Duration.ofMillis(500), readTimeout))) {
            // Accepts and never reads: the upload fills the socket buffers, then blocks.
            stalled.setReceiveBufferSize(4096);
            stalled.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) held.add(stalled.accept());
                } catch (IOException closed) {
                    // the test is over
                }
            });
            Key key = new Key("/one-bad-apple");
            long length = 12L * 1024 * 1024; // more than the socket buffers and the queue can hold
            Seq<Replica> targets = List.of(new Replica(mock(), 1), new Replica(new Volume("127.0.0.1", stalled.getLocalPort()), 2),
                    new Replica(mock(), 3));

            long started = System.nanoTime();
            BlobWrite write = patient.write(key, 0, targets, new Body(TestBodies.pattern(length, 5), length), "req-stall");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(write.bodyError().isEmpty()).isTrue();
            assertThat(write.transfers().get(0)).isEqualTo(new Transfer.Done(targets.get(0)));
            assertThat(failure(write.transfers().get(1))).isInstanceOf(VolumeFailure.TimedOut.class);
            assertThat(write.transfers().get(2)).isEqualTo(new Transfer.Done(targets.get(2)));
            assertThat(took).isLessThan(readTimeout.multipliedBy(4));
            String md5 = TestBodies.md5(TestBodies.pattern(length, 5));
            assertThat(write.md5().hex()).isEqualTo(md5);
            for (int sv : new int[] {1, 3}) {
                LoggedRequest put = onlyPut(BlobPath.of(key, sv).path());
                assertThat(put.getBody()).hasSize((int) length);
                assertThat(TestBodies.md5(new ByteArrayInputStream(put.getBody()))).isEqualTo(md5);
            }
        } finally {
            for (Socket socket : held) socket.close();
        }
    }

    @Test
    void one_unreachable_target_among_three_does_not_stop_the_others() throws IOException {
        answer(201);
        Key key = new Key("/one-down");
        Seq<Replica> targets = List.of(new Replica(mock(), 1), new Replica(new Volume("127.0.0.1", closedPort()), 2),
                new Replica(mock(), 3));

        BlobWrite write = volumes.write(key, 0, targets, new Body(TestBodies.pattern(2_000_000, 7), 2_000_000), "r");

        assertThat(write.transfers().map(Transfer::ok)).containsExactly(true, false, true);
        assertThat(failure(write.transfers().get(1))).isInstanceOf(VolumeFailure.Unreachable.class);
        assertThat(onlyPut(BlobPath.of(key, 3).path()).getBody()).hasSize(2_000_000);
    }

    @Test
    void every_call_sends_the_request_id() {
        answer(204);
        Key key = new Key("/ids");
        Replica replica = new Replica(mock(), 4);
        Sidecar sidecar = new Sidecar(key, 3, new Md5("0123456789abcdef0123456789abcdef"), EntryState.UNLINKED, Instant.EPOCH, Sidecar.FORMAT);

        volumes.write(key, 0, List.of(replica), new Body(TestBodies.pattern(3, 0), 3), "req-w");
        volumes.writeSidecar(replica, sidecar, "req-s");
        volumes.delete(replica, key, 0, "req-d");

        BlobPath path = BlobPath.of(key, 4);
        wiremock.verify(putRequestedFor(urlEqualTo(path.path())).withHeader("X-Request-Id", equalTo("req-w")));
        wiremock.verify(putRequestedFor(urlEqualTo(path.sidecarPath())).withHeader("X-Request-Id", equalTo("req-s")));
        wiremock.verify(deleteRequestedFor(urlEqualTo(path.path())).withHeader("X-Request-Id", equalTo("req-d")));
        wiremock.verify(deleteRequestedFor(urlEqualTo(path.sidecarPath())).withHeader("X-Request-Id", equalTo("req-d")));
        assertThat(SidecarJson.decode(onlyPut(path.sidecarPath()).getBody()).get()).isEqualTo(sidecar);
    }

    @Test
    void delete_of_files_already_gone_is_done_and_a_failed_sidecar_delete_keeps_the_blob() {
        answer(404);
        Replica replica = new Replica(mock(), 0);
        Key key = new Key("/gone");
        assertThat(volumes.delete(replica, key, 0, "r")).isEqualTo(new Transfer.Done(replica));

        wiremock.resetAll();
        answer(500);
        // Sidecar first: a replica dropped halfway is a blob without a sidecar, an orphan, never a half-removed value.
        assertThat(failure(volumes.delete(replica, key, 0, "r"))).isEqualTo(new VolumeFailure.Refused(500));
        wiremock.verify(1, deleteRequestedFor(urlEqualTo(BlobPath.of(key, 0).sidecarPath())));
        wiremock.verify(0, deleteRequestedFor(urlEqualTo(BlobPath.of(key, 0).path())));
    }

    @Test
    void remove_deletes_exactly_the_one_file_it_names() {
        answer(204);
        Replica replica = new Replica(mock(), 0);
        Key key = new Key("/one/file");
        assertThat(volumes.remove(replica, key, 7, BlobPath.Part.BLOB, "r")).isEqualTo(new Transfer.Done(replica));
        wiremock.verify(1, deleteRequestedFor(urlEqualTo(BlobPath.of(key, 7, replica).path())));
        wiremock.verify(0, deleteRequestedFor(urlEqualTo(BlobPath.of(key, 7, replica).sidecarPath())));
        assertThat(volumes.remove(replica, key, 7, BlobPath.Part.SIDECAR, "r")).isEqualTo(new Transfer.Done(replica));
        wiremock.verify(1, deleteRequestedFor(urlEqualTo(BlobPath.of(key, 7, replica).sidecarPath())));
    }

    @Test
    void ping_counts_any_answer_below_500_but_403_as_up() {
        answer(404);
        assertThat(volumes.ping(mock()).ok()).isTrue();
        wiremock.resetAll();
        // 403: the volume refuses mkv's signature (another secret): it cannot be used.
        answer(403);
        assertThat(failure(volumes.ping(mock()))).isEqualTo(new VolumeFailure.Refused(403));
        wiremock.resetAll();
        answer(503);
        assertThat(failure(volumes.ping(mock()))).isEqualTo(new VolumeFailure.Refused(503));
        wiremock.verify(anyRequestedFor(urlEqualTo("/")));
    }

    @Test
    void url_is_the_volume_address_followed_by_the_blob_path() {
        qt().forAll(strings().allPossible().ofLengthBetween(1, 40), integers().between(0, BlobPath.MAX_SUBVOLUMES - 1))
                .assuming((text, sv) -> Key.of("/" + text, Key.DEFAULT_MAX_BYTES).isRight())
                .checkAssert((text, sv) -> {
                    Key key = new Key("/" + text);
                    Replica replica = new Replica(new Volume("vol-" + sv + ".example", 8000 + sv), sv);
                    assertThat(volumes.url(replica, key, 0))
                            .isEqualTo("http://vol-" + sv + ".example:" + (8000 + sv) + BlobPath.of(key, sv).path());
                });
    }

    @Test
    void a_listing_that_is_not_json_or_refused_is_a_failure_value() {
        wiremock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("<html>index</html>")));
        assertThat(volumes.list(mock(), "/sv00/")).isInstanceOf(mkv.domain.port.Listing.Failed.class);
        wiremock.resetAll();
        answer(403);
        assertThat(volumes.list(mock(), "/sv00/")).isEqualTo(new mkv.domain.port.Listing.Failed(new VolumeFailure.Refused(403)));
    }

    @Test
    void a_sidecar_that_is_not_a_sidecar_is_unreadable_and_a_dead_volume_is_a_failure() throws IOException {
        wiremock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{\"format\": 99}")));
        BlobPath path = BlobPath.of(new Key("/sc"), 0);
        assertThat(volumes.readSidecar(mock(), path)).isInstanceOf(mkv.domain.SidecarRead.Unreadable.class);
        var dead = volumes.readSidecar(new Volume("127.0.0.1", closedPort()), path);
        assertThat(dead).isInstanceOf(mkv.domain.SidecarRead.Failed.class);
        assertThat(((mkv.domain.SidecarRead.Failed) dead).failure()).isInstanceOf(VolumeFailure.Unreachable.class);
    }

    @Test
    void a_copy_from_a_source_that_lost_the_blob_fails_without_writing_the_target() {
        answer(404);
        Replica from = new Replica(mock(), 0);
        assertThat(volumes.copy(from, new Replica(mock(), 1), new Key("/gone"), 0, "req"))
                .isEqualTo(new mkv.domain.BlobCopy.Failed(from, new VolumeFailure.Refused(404)));
        assertThat(wiremock.findAll(putRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void every_call_is_reported_to_the_observer_by_volume_operation_and_outcome() throws IOException {
        answer(204);
        var seen = new CopyOnWriteArrayList<String>();
        var bytesIn = new java.util.concurrent.atomic.AtomicLong();
        volumes.observe(new VolumeMetrics() {
            @Override
            public void call(Volume volume, String operation, io.vavr.control.Option<VolumeFailure> failure, long nanos) {
                seen.add((volume.equals(mock()) ? "mock" : "dead") + " " + operation + " "
                        + failure.map(f -> f.getClass().getSimpleName()).getOrElse("ok") + (nanos > 0 ? "" : " (no time)"));
            }

            @Override
            public void bytesIn(long bytes) {
                bytesIn.addAndGet(bytes);
            }
        });
        Key key = new Key("/observed");
        Replica replica = new Replica(mock(), 1);
        Sidecar sidecar = new Sidecar(key, 10, new Md5("0".repeat(32)), EntryState.LIVE, Instant.ofEpochMilli(1), Sidecar.FORMAT);

        volumes.write(key, 0, List.of(replica, new Replica(new Volume("127.0.0.1", closedPort()), 1)),
                new Body(new ByteArrayInputStream(new byte[10]), 10), "req");
        volumes.writeSidecar(replica, sidecar, "req");
        volumes.delete(replica, key, 0, "req");
        volumes.stat(replica, key, 0);
        volumes.ping(mock());
        volumes.list(mock(), "/");
        volumes.readSidecar(mock(), BlobPath.of(key, 1));
        volumes.checksum(replica, key, 0);
        volumes.copy(replica, new Replica(mock(), 2), key, 0, "req");
        volumes.deleteFiles(mock(), BlobPath.of(key, 1), "req");
        volumes.deleteTemp(mock(), new mkv.domain.TempFile("/sv01/.tmp/0000000001"), "req");
        volumes.readMark(mock());
        volumes.writeMark(mock(), new mkv.domain.ClusterId(java.util.UUID.randomUUID().toString()), "req");
        volumes.url(replica, key, 0);

        // The names and outcomes mkv_volume_request_duration_seconds has always had; marks and URLs are not volume calls counted there.
        assertThat(seen).containsExactly("mock write ok", "dead write Unreachable", "mock write_sidecar ok", "mock delete ok",
                "mock delete ok", "mock stat Refused", "mock ping ok", "mock list Refused", "mock read_sidecar Refused",
                "mock checksum Refused", "mock copy Refused", "mock delete ok", "mock delete ok");
        assertThat(bytesIn).hasValue(10);
    }

    @Test
    void a_reload_lets_a_call_in_flight_finish_on_its_client_and_gives_new_calls_the_new_timeouts() throws Exception {
        // Slower than the new read timeout, well within the old one: the call in flight keeps the
        // timeout it started with, a new call gets the new one. (That the retired client is closed
        // only later is not shown here: Helidon lets an exchange in flight finish even then.)
        wiremock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404).withFixedDelay(1500)));
        Replica replica = new Replica(mock(), 0);
        Key key = new Key("/in-flight");
        var inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> volumes.stat(replica, key, 0),
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (wiremock.findAll(anyRequestedFor(anyUrl())).isEmpty()) {
            assertThat(System.nanoTime()).as("the call to reach the volume").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }

        volumes.reload(NginxVolumes.Options.defaults().withTimeouts(Duration.ofMillis(3000), Duration.ofMillis(300)),
                VolumeList.http(io.vavr.collection.Vector.empty()), io.vavr.control.Option.none(), NginxVolumes.Signing.unsigned());

        assertThat(inFlight.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(new Stat.Missing());
        assertThat(volumes.stat(replica, key, 0)).isInstanceOfSatisfying(Stat.Unknown.class,
                u -> assertThat(u.failure()).isInstanceOf(VolumeFailure.TimedOut.class));
    }

    @Test
    void a_reload_that_cannot_be_applied_changes_nothing() {
        answer(404);
        Volume https = new Volume("127.0.0.1", wiremock.port());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> volumes.reload(NginxVolumes.Options.defaults(),
                        VolumeList.parse(java.util.List.of("https://" + https)).get(), io.vavr.control.Option.none(), NginxVolumes.Signing.unsigned()))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(volumes.url(new Replica(https, 0), new Key("/k"), 0)).startsWith("http://");
        assertThat(volumes.stat(new Replica(mock(), 0), new Key("/k"), 0)).isEqualTo(new Stat.Missing());
    }
}
