package mkv.adapter.nginx;

import io.vavr.collection.List;
import io.vavr.control.Option;
import java.nio.file.Path;
import mkv.domain.BlobPath;
import mkv.domain.TempFile;

/**
 * Pure. The nginx.conf of one volume whose folder is {@code dir}: data under {@code dir/data},
 * everything nginx writes besides the data and uploads (pid, logs, unused proxy temp folders) under
 * {@code dir/run}, so that nginx writes nothing outside the folder. An upload streams into a
 * {@link TempFile#FOLDER} folder on the same filesystem as its destination: the data root's, and
 * one per {@code subvolumes} folder (each may be a disk of its own), so a finished PUT is a rename.
 * Across filesystems nginx would copy instead, and a copy that fails (a full disk) leaves its
 * partial file beside the destination. nginx's listings skip dot-names, so the temp folders never
 * show in a walk. A master started as root switches its workers to {@code workers} (see
 * {@link WorkerUser}); one started as anyone else runs them as itself, with no {@code user} line.
 * With {@code tls}, the port speaks only https, with that certificate and key (read again by
 * nginx on SIGHUP). nginx's access log is off unless {@code accessLog}; then it goes to
 * {@code dir/run/log/access.log}, one line per request with the coordinator's request id.
 *
 * <p>With {@code keys}, every request must carry a signature only mkv can make (see
 * {@link UrlSigner}; nginx's {@code secure_link}): missing, forged, expired or made for another
 * method or path, it answers 403 before any file is touched. Without keys ({@code --insecure})
 * anyone who reaches the port may read, write and list.
 */
public record NginxConfig(Path dir, int port, String bindHost, Option<WorkerUser> workers, List<Integer> subvolumes,
                          Option<Certificate> tls, boolean accessLog, Option<SigningKeys> keys) {

    /** The PEM files of a volume's certificate (its chain after it) and private key. */
    public record Certificate(Path cert, Path key) {
        public Certificate {
            for (Path p : new Path[] {cert, key}) {
                if (p == null || !p.isAbsolute()) throw new IllegalArgumentException("TLS files must be absolute paths: " + p);
                if (!quotable(p)) throw new IllegalArgumentException("TLS file has characters nginx.conf cannot quote: " + p);
            }
        }
    }

    public static final String DEFAULT_BIND = "127.0.0.1";

    /** The temp folders besides the uploads' that Debian's build would otherwise put under /var/lib/nginx. */
    public static final List<String> TEMP_KINDS = List.of("proxy", "fastcgi", "uwsgi", "scgi");

    public NginxConfig {
        workers = workers == null ? Option.none() : workers;
        keys = keys == null ? Option.none() : keys;
        subvolumes = subvolumes == null ? List.empty() : subvolumes.distinct().sorted();
        tls = tls == null ? Option.none() : tls;
        if (subvolumes.exists(sv -> sv < 0 || sv >= BlobPath.MAX_SUBVOLUMES)) throw new IllegalArgumentException("subvolume out of range: " + subvolumes);
        if (dir == null || !dir.isAbsolute()) throw new IllegalArgumentException("volume folder must be an absolute path: " + dir);
        dir = dir.normalize();
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        if (bindHost == null || bindHost.isBlank() || bindHost.chars().anyMatch(c -> c <= ' ' || c == ';' || c == '"')) {
            throw new IllegalArgumentException("invalid bind host: " + bindHost);
        }
        if (!quotable(dir)) throw new IllegalArgumentException("volume folder has characters nginx.conf cannot quote: " + dir);
    }

    /** A volume whose port speaks plain http. */
    public NginxConfig(Path dir, int port, String bindHost, Option<WorkerUser> workers, List<Integer> subvolumes) {
        this(dir, port, bindHost, workers, subvolumes, Option.none(), false);
    }

    /** A volume with no access log. */
    public NginxConfig(Path dir, int port, String bindHost, Option<WorkerUser> workers, List<Integer> subvolumes, Option<Certificate> tls) {
        this(dir, port, bindHost, workers, subvolumes, tls, false);
    }

    /** A volume that checks no signature. */
    public NginxConfig(Path dir, int port, String bindHost, Option<WorkerUser> workers, List<Integer> subvolumes, Option<Certificate> tls,
                       boolean accessLog) {
        this(dir, port, bindHost, workers, subvolumes, tls, accessLog, Option.none());
    }

    /** A volume with no subvolume folders yet: every upload's temp file goes under the data root. */
    public NginxConfig(Path dir, int port, String bindHost, Option<WorkerUser> workers) {
        this(dir, port, bindHost, workers, List.empty());
    }

    /** The same volume, accepting only requests signed with one of these keys. */
    public NginxConfig withKeys(Option<SigningKeys> accepted) {
        return new NginxConfig(dir, port, bindHost, workers, subvolumes, tls, accessLog, accepted);
    }

    public static NginxConfig of(Path dir, int port, Option<WorkerUser> workers) {
        return new NginxConfig(dir, port, DEFAULT_BIND, workers);
    }

    /** The same volume with a temp folder of its own in each of these subvolumes. */
    public NginxConfig withSubvolumes(List<Integer> found) {
        return new NginxConfig(dir, port, bindHost, workers, found, tls, accessLog, keys);
    }

    /** The same volume speaking only https on its port, with this certificate. */
    public NginxConfig withTls(Certificate certificate) {
        return new NginxConfig(dir, port, bindHost, workers, subvolumes, Option.some(certificate), accessLog, keys);
    }

    /** The same volume with its access log on or off. */
    public NginxConfig withAccessLog(boolean on) {
        return new NginxConfig(dir, port, bindHost, workers, subvolumes, tls, on, keys);
    }

    public Path dataRoot() {
        return dir.resolve("data");
    }

    public Path runDir() {
        return dir.resolve("run");
    }

    public Path logDir() {
        return runDir().resolve("log");
    }

    public Path tempDir(String kind) {
        return runDir().resolve("tmp").resolve(kind);
    }

    /** Where an upload to anywhere outside the subvolumes streams: on the data root's filesystem. */
    public Path uploadTempDir() {
        return dataRoot().resolve(TempFile.FOLDER);
    }

    /** Where an upload to subvolume {@code sv} streams: on that subvolume's filesystem. */
    public Path uploadTempDir(int sv) {
        return dataRoot().resolve(BlobPath.subvolumeFolder(sv).substring(1)).resolve(TempFile.FOLDER);
    }

    public Path configFile() {
        return runDir().resolve("nginx.conf");
    }

    public Path pidFile() {
        return runDir().resolve("nginx.pid");
    }

    public Path errorLog() {
        return logDir().resolve("error.log");
    }

    public Path accessLogFile() {
        return logDir().resolve("access.log");
    }

    public Path startupLog() {
        return logDir().resolve("startup.log");
    }

    /** Every folder the config names, for the process to create before starting nginx. */
    public List<Path> folders() {
        return List.of(dataRoot(), logDir(), uploadTempDir()).appendAll(subvolumes.map(this::uploadTempDir))
                .appendAll(TEMP_KINDS.map(this::tempDir));
    }

    /** The config text. */
    public String render() {
        var temp = new StringBuilder("    client_body_temp_path " + q(uploadTempDir()) + ";\n");
        for (String kind : TEMP_KINDS) {
            temp.append("    ").append(kind).append("_temp_path ").append(q(tempDir(kind))).append(";\n");
        }
        var locations = new StringBuilder();
        for (int sv : subvolumes) {
            locations.append("\n        location ").append(BlobPath.subvolumeFolder(sv)).append(" {\n")
                    .append("            client_body_temp_path ").append(q(uploadTempDir(sv))).append(";\n        }");
        }
        String[] signed = signing();
        String listen = (bindHost.contains(":") ? "[" + bindHost + "]:" + port : bindHost + ":" + port)
                + tls.map(t -> " ssl;"
                        + "\n        ssl_certificate " + q(t.cert()) + ";"
                        + "\n        ssl_certificate_key " + q(t.key()) + ";"
                        + "\n        ssl_protocols TLSv1.2 TLSv1.3;"
                        + "\n        # Resumed sessions spare the coordinator a full handshake per new connection."
                        + "\n        ssl_session_cache shared:mkv_tls:10m;"
                        + "\n        ssl_session_timeout 1h").getOrElse("");
        return """
                # Generated by mkv for the volume in %1$s; regenerated on every start.
                %2$sdaemon off;
                worker_processes auto;
                pid %3$s;
                error_log %4$s warn;

                events {
                    worker_connections 1024;
                }

                http {
                    # Blobs are bytes: no type guessing from names.
                    types {}
                    default_type application/octet-stream;

                %11$s
                %5$s
                %9$s
                    sendfile on;
                    tcp_nopush on;
                    # The coordinator keeps a pool of connections open to every volume.
                    keepalive_requests 100000;
                    keepalive_timeout 75s;
                    # Bodies stream to a temp file on the data's filesystem, then are renamed into place.
                    client_max_body_size 0;
                    client_body_buffer_size 128k;
                    client_body_timeout 60s;
                    server_tokens off;
                    # The coordinator's ETag is the value's md5; nginx's own (mtime-size) would contradict it.
                    etag off;

                    server {
                        listen %6$s;
                        root %7$s;
                        dav_methods PUT DELETE;
                        create_full_put_path on;
                        dav_access user:rw group:r all:r;
                        autoindex on;
                        autoindex_format json;
                %10$s
                        location / {
                        }
                        # Each subvolume's uploads stream to a temp folder on its own disk.%8$s
                    }
                }
                """.formatted(dir, workers.map(w -> w.directive() + "\n").getOrElse(""), q(pidFile()), q(errorLog()), temp.toString().stripTrailing(),
                listen, q(dataRoot()), locations, signed[0], signed[1], accessLog
                        ? "    # Time, client, request, status, bytes sent, seconds, the coordinator's request id, user agent.\n"
                        + "    log_format mkv '$time_iso8601 $remote_addr \"$request\" $status $body_bytes_sent $request_time'\n"
                        + "                   ' id=$http_x_request_id ua=\"$http_user_agent\"';\n"
                        + "    access_log " + q(accessLogFile()) + " mkv;"
                        : "    access_log off;");
    }

    private static boolean quotable(Path path) {
        return path.toString().chars().noneMatch(c -> c < ' ' || c == '"' || c == '\\' || c == ';' || c == '$' || c == '{' || c == '}');
    }

    /**
     * The http-level maps and the server-level check of signed requests, or two comments when
     * unsigned. HEAD is checked as GET (a read URL serves both); an unknown key id maps to no
     * secret and is refused outright, so an empty secret can never verify; a request without an
     * expiry is refused too, though nginx would take it as never expiring.
     */
    private String[] signing() {
        if (keys.isEmpty()) {
            return new String[] {"    # Unsigned (--insecure): anyone who reaches this port may read, write, delete and list.",
                    "            # Unsigned (--insecure): no request is checked."};
        }
        var secrets = new StringBuilder();
        for (SigningKeys.Key k : keys.get().keys()) {
            secrets.append("        \"").append(k.id()).append("\" \"").append(k.secret()).append("\";\n");
        }
        String maps = """
                    # Signed requests only: mkv signs each with the first key of its secret file (see docs/SECURITY.md).
                    map $request_method $mkv_signed_method {
                        HEAD GET;
                        default $request_method;
                    }
                    map $arg_kid $mkv_secret {
                        default "";
                %s    }""".formatted(secrets);
        String check = io.vavr.collection.List.of(
                "# sig = base64url(md5(expires + method + uri + \" \" + secret)); anything else answers 403.",
                "secure_link $arg_sig,$arg_expires;",
                "secure_link_md5 \"$secure_link_expires$mkv_signed_method$uri $mkv_secret\";",
                "if ($mkv_secret = \"\") {", "    return 403;", "}",
                "if ($arg_expires = \"\") {", "    return 403;", "}",
                "if ($secure_link != \"1\") {", "    return 403;", "}").map(line -> "            " + line).mkString("\n");
        return new String[] {maps, check};
    }

    private static String q(Path path) {
        return "\"" + path + "\"";
    }
}
