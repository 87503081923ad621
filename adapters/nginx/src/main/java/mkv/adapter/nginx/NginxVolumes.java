package mkv.adapter.nginx;

import io.helidon.common.tls.Tls;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.WebClient;
import io.vavr.collection.Seq;
import io.vavr.collection.Vector;
import io.vavr.control.Option;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import mkv.domain.BlobPath;
import mkv.domain.ClusterId;
import mkv.domain.Key;
import mkv.domain.Md5;
import mkv.domain.Replica;
import mkv.domain.Sidecar;
import mkv.domain.TempFile;
import mkv.domain.Volume;
import mkv.domain.port.Blobs;
import mkv.domain.port.Body;
import mkv.domain.BlobCopy;
import mkv.domain.BlobWrite;
import mkv.domain.Checksum;
import mkv.domain.port.Listing;
import mkv.domain.SidecarRead;
import mkv.domain.Stat;
import mkv.domain.Transfer;
import mkv.domain.VolumeFailure;
import mkv.domain.VolumeMark;
import mkv.domain.port.Probe;
import mkv.domain.port.Volumes;
import org.apache.hc.core5.http.ContentType;

/**
 * The volumes as stock nginx servers speaking WebDAV: PUT and DELETE to write, HEAD to look, in
 * all three roles (data path, admin tools, probe). Every volume failure comes back as a value;
 * nothing here throws for a volume's sake. A volume listed as {@code https://} is spoken to over
 * TLS, its certificate checked against the trusted CA. Every call is reported to the
 * {@link VolumeMetrics} set with {@link #observe}, and {@link #reload} swaps the clients, timeouts
 * and signing keys in place. Exchanges go over {@link VolumeHttp}'s keep-alive pool (Apache
 * HttpClient 5); a streamed blob upload over a connection of its own ({@link BlobUpload}, Helidon
 * WebClient).
 */
public final class NginxVolumes implements Blobs, Volumes, Probe, AutoCloseable {

    /**
     * How to talk to volumes. Every wait on a volume is bounded by {@code readTimeout}, and a
     * health probe's by {@code pingTimeout} (connect and answer), so that probing a hung volume is quick;
     * {@code queueChunks} chunks of {@code chunkBytes} are the most a write buffers per target.
     */
    public record Options(Duration connectTimeout, Duration readTimeout, int chunkBytes, int queueChunks,
                          int connectionsPerVolume, Duration pingTimeout) {
        public Options {
            if (connectTimeout.isNegative() || connectTimeout.isZero()) throw new IllegalArgumentException("connect timeout must be positive");
            if (readTimeout.isNegative() || readTimeout.isZero()) throw new IllegalArgumentException("read timeout must be positive");
            if (pingTimeout.isNegative() || pingTimeout.isZero()) throw new IllegalArgumentException("ping timeout must be positive");
            if (chunkBytes < 1024) throw new IllegalArgumentException("chunks must be at least 1 KiB");
            if (queueChunks < 1) throw new IllegalArgumentException("queue must hold at least one chunk");
            if (connectionsPerVolume < 1) throw new IllegalArgumentException("need at least one connection per volume");
        }

        public static Options defaults() {
            return new Options(Duration.ofSeconds(2), Duration.ofSeconds(30), 64 * 1024, 8, 64, Duration.ofSeconds(1));
        }

        public Options withTimeouts(Duration connect, Duration read) {
            return new Options(connect, read, chunkBytes, queueChunks, connectionsPerVolume, pingTimeout);
        }

        public Options withPingTimeout(Duration ping) {
            return new Options(connectTimeout, readTimeout, chunkBytes, queueChunks, connectionsPerVolume, ping);
        }
    }

    /**
     * How requests are signed: with {@code signer}'s first key; mkv's own calls valid for
     * {@link #CALL_TTL} from {@code clock}'s now, the redirects it hands out for {@code urlTtl}.
     */
    public record Signing(UrlSigner signer, java.time.Clock clock, Duration urlTtl) {
        public Signing {
            if (urlTtl.isNegative() || urlTtl.isZero()) throw new IllegalArgumentException("url-ttl must be positive");
        }

        public static Signing unsigned() {
            return new Signing(UrlSigner.UNSIGNED, java.time.Clock.systemUTC(), Duration.ofHours(1));
        }
    }

    /**
     * How long a request mkv makes itself may wait before nginx checks it: nginx checks once, when
     * the request's headers arrive, so a long transfer is not cut off. A minute keeps a captured
     * URL useless soon, and still tolerates the clock difference NTP leaves between machines.
     */
    public static final Duration CALL_TTL = Duration.ofMinutes(1);

    static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    // Replaced together by a reload, under its lock; a call reads them as it goes (see reload).
    private volatile Options options;
    private volatile VolumeList addresses;
    private volatile Signing signing;
    private volatile long urlTtlSeconds;
    /** Only for streamed uploads ({@link BlobUpload}): each opens a connection of its own. */
    private volatile WebClient uploads;
    private volatile VolumeHttp http;
    private volatile VolumeHttp probes;
    private volatile VolumeMetrics metrics = VolumeMetrics.NONE;

    /** Every volume spoken to over plain http, unsigned: for volumes run with {@code --insecure}. */
    public NginxVolumes(Options options) {
        this(options, VolumeList.http(Vector.empty()), Option.none(), Signing.unsigned());
    }

    /** Every volume spoken to over plain http, each request signed as {@code signing} says. */
    public NginxVolumes(Options options, Signing signing) {
        this(options, VolumeList.http(Vector.empty()), Option.none(), signing);
    }

    /** Volumes reached as {@code addresses} says, unsigned. */
    public NginxVolumes(Options options, VolumeList addresses, Option<Tls> trust) {
        this(options, addresses, trust, Signing.unsigned());
    }

    /**
     * Volumes reached as {@code addresses} says; {@code trust} (the CA's certificates) verifies
     * every https volume, and is required when there is one; every request signed as
     * {@code signing} says.
     */
    public NginxVolumes(Options options, VolumeList addresses, Option<Tls> trust, Signing signing) {
        configure(options, addresses, trust, signing);
    }

    /** From now on, reports every call to {@code observer}. */
    public void observe(VolumeMetrics observer) {
        this.metrics = observer;
    }

    /**
     * Speaks to the volumes as the arguments say from now on (new timeouts, volumes, CA, keys),
     * on new clients; refused, with nothing changed, as the constructor refuses. A call in flight
     * finishes on the client it started with: the old clients are closed only after twice their
     * read timeout and a second, when no call begun before can still be waiting on them. A call
     * that straddles the swap may send its next request on the new clients, which serve it as well.
     */
    public synchronized void reload(Options options, VolumeList addresses, Option<Tls> trust, Signing signing) {
        Duration drain = this.options.readTimeout().multipliedBy(2).plusSeconds(1);
        WebClient oldUploads = uploads;
        VolumeHttp oldHttp = http, oldProbes = probes;
        configure(options, addresses, trust, signing);
        Thread.ofVirtual().name("mkv-retire-volume-client").start(() -> {
            try {
                Thread.sleep(drain);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            oldUploads.closeResource();
            oldHttp.close();
            oldProbes.close();
        });
    }

    private void configure(Options options, VolumeList addresses, Option<Tls> trust, Signing signing) {
        if (!addresses.https().isEmpty() && trust.isEmpty()) {
            throw new IllegalArgumentException("https volumes (" + addresses.https().mkString(",") + ") need a CA to verify them");
        }
        // One pool for every volume: HEAD, DELETE, GET and small PUTs reuse its keep-alive connections.
        // Each NginxVolumes has clients of its own: closing one retired by a reload (new timeouts,
        // a new CA) then really closes its connections.
        Option<javax.net.ssl.SSLContext> context = trust.map(Tls::sslContext);
        VolumeHttp http = new VolumeHttp(context, options.connectTimeout(), options.readTimeout(), options.connectionsPerVolume());
        // Probes have a pool of their own: their short timeouts, and no wait behind data traffic.
        Duration probeConnect = options.pingTimeout().compareTo(options.connectTimeout()) < 0 ? options.pingTimeout() : options.connectTimeout();
        VolumeHttp probes = new VolumeHttp(context, probeConnect, options.pingTimeout(), 2);
        // No 100-continue: nginx takes every body we send, and the wait would cost a round trip.
        var upload = WebClient.builder();
        trust.forEach(upload::tls);
        WebClient uploads = upload
                .connectTimeout(options.connectTimeout())
                .readTimeout(options.readTimeout())
                .keepAlive(true)
                .followRedirects(false)
                .sendExpectContinue(false)
                .shareConnectionCache(false)
                .build();
        this.options = options;
        this.addresses = addresses;
        this.signing = signing;
        this.urlTtlSeconds = Math.max(1, signing.urlTtl().toSeconds());
        this.uploads = uploads;
        this.http = http;
        this.probes = probes;
    }

    /** Reports one call to the observer, and hands its outcome back. */
    private <T> T reported(Volume volume, String operation, long start, T outcome) {
        metrics.call(volume, operation, failure(outcome), System.nanoTime() - start);
        return outcome;
    }

    private static Option<VolumeFailure> failure(Object outcome) {
        return switch (outcome) {
            case Transfer.Failed f -> Option.some(f.failure());
            case Stat.Unknown u -> Option.some(u.failure());
            case Checksum.Unknown u -> Option.some(u.failure());
            case Listing.Failed f -> Option.some(f.failure());
            case SidecarRead.Failed f -> Option.some(f.failure());
            case BlobCopy.Failed f -> Option.some(f.failure());
            default -> Option.none();
        };
    }

    /**
     * Streams the body once to every target at the same time: this thread reads it in chunks,
     * updates the md5 and hands each chunk to every target's bounded queue; one virtual thread per
     * target drains its queue into a PUT. A failed or stalled target is dropped, never waited on
     * past the read timeout; a body that breaks off abandons every upload. Each blob PUT runs on a
     * connection of its own, closed afterwards (see {@link BlobUpload} for why); a body of one
     * chunk or less goes on the keep-alive pool instead.
     */
    @Override
    public BlobWrite write(Key key, long generation, Seq<Replica> targets, Body body, String requestId) {
        long start = System.nanoTime();
        BlobWrite write = upload(key, generation, targets, body, requestId);
        long took = System.nanoTime() - start;
        metrics.bytesIn(write.size());
        write.transfers().forEach(t -> metrics.call(t.replica().volume(), "write", failure(t), took));
        return write;
    }

    private BlobWrite upload(Key key, long generation, Seq<Replica> targets, Body body, String requestId) {
        // 0. A body that fits in one chunk is read whole first, so it can go out on pooled
        //    keep-alive connections: nothing can be abandoned mid-body, and no connect per PUT.
        if (body.length() > 0 && body.length() <= options.chunkBytes()) return writeSmall(key, generation, targets, body, requestId);
        // 1. Start one upload per target; each connects while the first chunk is read.
        Vector<BlobUpload> uploads = Vector.ofAll(targets).map(replica -> BlobUpload.start(this.uploads, replica,
                signed("PUT", replica.volume(), path(replica, key, generation)).toString(), body.length(), REQUEST_ID, requestId, options.readTimeout(), options.queueChunks()));
        Hasher md5 = Hasher.start(options.queueChunks());
        long size = 0;
        Option<String> bodyError = Option.none();
        boolean interrupted = false;
        try {
            // 2. Read and fan out each chunk to the uploads and the hasher; memory is bounded
            //    by the queues, not the body.
            InputStream in = body.stream();
            while (true) {
                byte[] buffer = new byte[options.chunkBytes()];
                int n = readChunk(in, buffer);
                if (n <= 0) break;
                size += n;
                if (body.length() >= 0 && size > body.length()) {
                    bodyError = Option.some("body is longer than its declared " + body.length() + " bytes");
                    break;
                }
                var chunk = new BlobUpload.Chunk(buffer, n);
                md5.update(chunk);
                for (BlobUpload upload : uploads) upload.offer(chunk);
            }
            if (bodyError.isEmpty() && body.length() >= 0 && size < body.length()) {
                bodyError = Option.some("body ended after " + size + " of " + body.length() + " bytes");
            }
        } catch (IOException | RuntimeException e) {
            bodyError = Option.some("body broke off after " + size + " bytes: " + VolumeFailures.describeBody(e));
        } catch (InterruptedException e) {
            interrupted = true;
            bodyError = Option.some("interrupted while streaming the body");
        }
        // 3. Complete or abandon every upload, then collect each outcome in target order.
        Vector<Transfer> transfers;
        try {
            for (BlobUpload upload : uploads) {
                if (bodyError.isDefined()) upload.abandon();
                else upload.finish();
            }
            transfers = awaitAll(uploads);
        } catch (InterruptedException e) {
            interrupted = true;
            uploads.forEach(BlobUpload::abandon);
            transfers = Vector.ofAll(targets).map(r -> new Transfer.Failed(r, new VolumeFailure.TimedOut("interrupted")));
        }
        Md5 digest;
        try {
            digest = md5.finish();
        } catch (InterruptedException e) {
            // The write has failed already (interrupted); the md5 of nothing stands in.
            interrupted = true;
            digest = Md5.of(md5().digest());
        }
        if (interrupted) Thread.currentThread().interrupt();
        return new BlobWrite(transfers, size, digest, bodyError);
    }

    private BlobWrite writeSmall(Key key, long generation, Seq<Replica> targets, Body body, String requestId) {
        byte[] bytes = new byte[(int) body.length()];
        int n;
        try {
            n = readChunk(body.stream(), bytes);
            if (n == bytes.length && body.stream().read() >= 0) {
                return new BlobWrite(targets.map(r -> (Transfer) new Transfer.Failed(r, new VolumeFailure.ShortWrite(bytes.length, 0))).toVector(),
                        n + 1, Md5.of(md5().digest(bytes)), Option.some("body is longer than its declared " + bytes.length + " bytes"));
            }
        } catch (IOException | RuntimeException e) {
            // Helidon reports a client gone mid-body unchecked (InsufficientDataAvailableException,
            // UncheckedIOException): a broken body like any other, never an escaped exception that
            // would leave the WRITING row behind (and the key busy) until recovery.
            return new BlobWrite(targets.map(r -> (Transfer) new Transfer.Failed(r, new VolumeFailure.ShortWrite(bytes.length, 0))).toVector(),
                    0, Md5.of(md5().digest()), Option.some("body broke off: " + VolumeFailures.describeBody(e)));
        }
        Md5 digest = Md5.of(md5().digest(java.util.Arrays.copyOf(bytes, n)));
        if (n < bytes.length) {
            return new BlobWrite(targets.map(r -> (Transfer) new Transfer.Failed(r, new VolumeFailure.ShortWrite(bytes.length, n))).toVector(),
                    n, digest, Option.some("body ended after " + n + " of " + bytes.length + " bytes"));
        }
        Vector<java.util.concurrent.Future<Transfer>> futures;
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            futures = Vector.ofAll(targets).map(r -> threads.submit(() -> put(r, signed("PUT", r.volume(), path(r, key, generation)), bytes, requestId, ContentType.APPLICATION_OCTET_STREAM)));
        }
        return new BlobWrite(futures.map(java.util.concurrent.Future::resultNow), n, digest, Option.none());
    }

    private static Vector<Transfer> awaitAll(Vector<BlobUpload> uploads) throws InterruptedException {
        Vector<Transfer> transfers = Vector.empty();
        for (BlobUpload upload : uploads) transfers = transfers.append(upload.await());
        return transfers;
    }

    /** Fills the buffer as far as the stream allows, so chunks are full-sized; 0 or -1 at the end. */
    private static int readChunk(InputStream in, byte[] buffer) throws IOException {
        int filled = 0;
        while (filled < buffer.length) {
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) break;
            filled += n;
        }
        return filled;
    }

    @Override
    public Transfer writeSidecar(Replica replica, Sidecar sidecar, String requestId) {
        long start = System.nanoTime();
        URI url = signed("PUT", replica.volume(), sidecar.path(replica).sidecarPath());
        return reported(replica.volume(), "write_sidecar", start, put(replica, url, SidecarJson.encode(sidecar), requestId, ContentType.APPLICATION_JSON));
    }

    private Transfer put(Replica replica, URI url, byte[] bytes, String requestId, ContentType type) {
        try {
            int status = http.put(url, bytes, type, requestId);
            return status == 201 || status == 204
                    ? new Transfer.Done(replica)
                    : new Transfer.Failed(replica, new VolumeFailure.Refused(status));
        } catch (IOException | RuntimeException e) {
            return new Transfer.Failed(replica, VolumeFailures.of(e));
        }
    }

    /** Blob first, sidecar last: a blob without a sidecar is found by verify; the reverse could be rebuilt as live. */
    @Override
    public Transfer remove(Replica replica, Key key, long generation, BlobPath.Part part, String requestId) {
        long start = System.nanoTime();
        return reported(replica.volume(), "delete", start, deleteFile(replica, signed("DELETE", replica.volume(), BlobPath.of(key, generation, replica).path(part)), requestId));
    }

    private Transfer deleteFile(Replica replica, URI url, String requestId) {
        try {
            int status = http.delete(url, requestId);
            // 404: already gone, which is what a delete wants.
            return status == 204 || status == 200 || status == 404
                    ? new Transfer.Done(replica)
                    : new Transfer.Failed(replica, new VolumeFailure.Refused(status));
        } catch (IOException | RuntimeException e) {
            return new Transfer.Failed(replica, VolumeFailures.of(e));
        }
    }

    @Override
    public Stat stat(Replica replica, Key key, long generation) {
        long start = System.nanoTime();
        return reported(replica.volume(), "stat", start, head(replica, key, generation));
    }

    private Stat head(Replica replica, Key key, long generation) {
        try {
            VolumeHttp.Head head = http.head(signed("HEAD", replica.volume(), path(replica, key, generation)));
            if (head.status() == 404) return new Stat.Missing();
            if (head.status() != 200) return new Stat.Unknown(new VolumeFailure.Refused(head.status()));
            return head.length() >= 0
                    ? new Stat.Present(head.length())
                    : new Stat.Unknown(new VolumeFailure.Mismatch("no Content-Length in the answer to HEAD"));
        } catch (IOException | RuntimeException e) {
            return new Stat.Unknown(VolumeFailures.of(e));
        }
    }

    /**
     * Signed HEAD of the data root within the ping timeout: any answer below 500 proves nginx is
     * serving the folder, but for 403, which says the volume refuses mkv's signature (another
     * secret, or clocks too far apart): the volume cannot be used, so the probe fails; and for
     * 400, which is nginx refusing the request itself (plain http sent to its https port).
     */
    @Override
    public Transfer ping(Volume volume) {
        long start = System.nanoTime();
        return reported(volume, "ping", start, probe(volume));
    }

    private Transfer probe(Volume volume) {
        Replica replica = new Replica(volume, 0);
        try {
            int status = probes.head(signed("HEAD", volume, "/")).status();
            return status < 500 && status != 400 && status != 403 ? new Transfer.Done(replica) : new Transfer.Failed(replica, new VolumeFailure.Refused(status));
        } catch (IOException | RuntimeException e) {
            return new Transfer.Failed(replica, VolumeFailures.of(e));
        }
    }

    /** GET of the folder: nginx's JSON autoindex (see {@link ListingJson}); 404 is an empty folder. */
    @Override
    public Listing list(Volume volume, String folder) {
        long start = System.nanoTime();
        return reported(volume, "list", start, listing(volume, folder));
    }

    private Listing listing(Volume volume, String folder) {
        try {
            return http.get(signed("GET", volume, folder), null, (status, length, body) -> {
                if (status == 404) return new Listing.Found(Vector.empty());
                if (status != 200) return new Listing.Failed(new VolumeFailure.Refused(status));
                return ListingJson.decode(body).fold(why -> new Listing.Failed(new VolumeFailure.Mismatch(why)), Listing.Found::new);
            });
        } catch (IOException | RuntimeException e) {
            return new Listing.Failed(VolumeFailures.of(e));
        }
    }

    @Override
    public SidecarRead readSidecar(Volume volume, BlobPath path) {
        long start = System.nanoTime();
        return reported(volume, "read_sidecar", start, getSidecar(volume, path));
    }

    private SidecarRead getSidecar(Volume volume, BlobPath path) {
        try {
            VolumeHttp.Got got = http.getBytes(signed("GET", volume, path.sidecarPath()));
            if (got.status() == 404) return new SidecarRead.Missing();
            if (got.body().isEmpty()) return new SidecarRead.Failed(new VolumeFailure.Refused(got.status()));
            return SidecarJson.decode(got.body().get()).fold(SidecarRead.Unreadable::new, SidecarRead.Found::new);
        } catch (IOException | RuntimeException e) {
            return new SidecarRead.Failed(VolumeFailures.of(e));
        }
    }

    /**
     * GET from the source streamed into the write path's PUT (bounded queue, md5 on the way), so
     * memory does not grow with the blob; what arrived is reported, and judged by the caller.
     */
    @Override
    public BlobCopy copy(Replica from, Replica to, Key key, long generation, String requestId) {
        long start = System.nanoTime();
        return reported(to.volume(), "copy", start, stream(from, to, key, generation, requestId));
    }

    private BlobCopy stream(Replica from, Replica to, Key key, long generation, String requestId) {
        try {
            return http.get(signed("GET", from.volume(), path(from, key, generation)), requestId, (status, length, body) -> {
                if (status != 200) return new BlobCopy.Failed(from, new VolumeFailure.Refused(status));
                BlobWrite copied = upload(key, generation, Vector.of(to), new Body(body, length), requestId);
                if (copied.bodyError().isDefined()) return new BlobCopy.Failed(from, new VolumeFailure.Lost(copied.bodyError().get()));
                if (copied.transfers().head() instanceof Transfer.Failed put) return new BlobCopy.Failed(put.replica(), put.failure());
                return new BlobCopy.Arrived(to, copied.size(), copied.md5());
            });
        } catch (IOException | RuntimeException e) {
            return new BlobCopy.Failed(from, VolumeFailures.of(e));
        }
    }

    @Override
    public Checksum checksum(Replica replica, Key key, long generation) {
        long start = System.nanoTime();
        return reported(replica.volume(), "checksum", start, digest(replica, key, generation));
    }

    private Checksum digest(Replica replica, Key key, long generation) {
        try {
            return http.get(signed("GET", replica.volume(), path(replica, key, generation)), null, (status, length, in) -> {
                if (status == 404) return new Checksum.Missing();
                if (status != 200) return new Checksum.Unknown(new VolumeFailure.Refused(status));
                MessageDigest md5 = md5();
                long size = 0;
                byte[] buffer = new byte[options.chunkBytes()];
                for (int n; (n = in.read(buffer)) > 0; size += n) md5.update(buffer, 0, n);
                return new Checksum.Computed(size, Md5.of(md5.digest()));
            });
        } catch (IOException | RuntimeException e) {
            return new Checksum.Unknown(VolumeFailures.of(e));
        }
    }

    @Override
    public VolumeMark readMark(Volume volume) {
        try {
            VolumeHttp.Got got = http.getBytes(signed("GET", volume, MarkJson.PATH));
            if (got.status() == 404) return new VolumeMark.Blank();
            if (got.body().isEmpty()) return new VolumeMark.Failed(new VolumeFailure.Refused(got.status()));
            return MarkJson.decode(got.body().get()).fold(VolumeMark.Garbled::new, VolumeMark.Stamped::new);
        } catch (IOException | RuntimeException e) {
            return new VolumeMark.Failed(VolumeFailures.of(e));
        }
    }

    @Override
    public Transfer writeMark(Volume volume, ClusterId cluster, String requestId) {
        return put(new Replica(volume, 0), signed("PUT", volume, MarkJson.PATH), MarkJson.encode(cluster), requestId, ContentType.APPLICATION_JSON);
    }

    @Override
    public Transfer deleteFiles(Volume volume, BlobPath path, String requestId) {
        long start = System.nanoTime();
        Replica replica = new Replica(volume, path.subvolume());
        Transfer sidecar = deleteFile(replica, signed("DELETE", volume, path.sidecarPath()), requestId);
        return reported(volume, "delete", start, sidecar.ok() ? deleteFile(replica, signed("DELETE", volume, path.path()), requestId) : sidecar);
    }

    @Override
    public Transfer deleteTemp(Volume volume, TempFile file, String requestId) {
        long start = System.nanoTime();
        return reported(volume, "delete", start, deleteFile(new Replica(volume, file.subvolume()), signed("DELETE", volume, file.path()), requestId));
    }

    /**
     * The redirect a GET is answered with: the blob's URL, signed for GET (and so HEAD) until
     * {@code url-ttl} from now. On the GET hot path: one path, one MD5 and a few appends.
     */
    @Override
    public String url(Replica replica, Key key, long generation) {
        String path = path(replica, key, generation);
        String base = base(replica.volume());
        var url = new StringBuilder(base.length() + path.length() + 72).append(base).append(path);
        return signing.signer().append(url, "GET", path, signing.clock().millis() / 1000 + urlTtlSeconds).toString();
    }

    /** The blob's path on the replica's volume, as {@link BlobPath} lays it out. */
    private static String path(Replica replica, Key key, long generation) {
        return BlobPath.of(key, generation, replica).path();
    }

    /** A URL of mkv's own call to a volume, signed for {@code method} for {@link #CALL_TTL}. */
    private URI signed(String method, Volume volume, String path) {
        return URI.create(signing.signer().sign(method, base(volume), path, signing.clock().millis() / 1000 + CALL_TTL.toSeconds()));
    }

    private String base(Volume volume) {
        return addresses.scheme(volume) + volume.host() + ":" + volume.port();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** Closes pooled connections. */
    @Override
    public void close() {
        http.close();
        probes.close();
        uploads.closeResource();
    }
}
