package mkv.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mkv.adapter.nginx.NginxVolumeProcess;

/** A stock nginx reverse proxy in front of a coordinator: its config generated into a temporary folder, stopped by PID. */
final class ReverseProxy implements AutoCloseable {
    final int port;
    final Path dir;
    private final Process process;

    private ReverseProxy(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
    }

    /** The settings docs/OPERATIONS.md gives for a proxy in front of mkv. */
    static final String RECOMMENDED = """
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
                proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                proxy_request_buffering off;
                proxy_buffering off;
                proxy_redirect off;
                client_max_body_size 0;
            """;

    /** nginx as installed: proxy_pass alone, which speaks HTTP/1.0 to the coordinator. */
    static final String STOCK = "";

    /** Starts nginx on a free loopback port, proxying everything to the coordinator on {@code upstream} with these location settings. */
    static ReverseProxy start(Path dir, int upstream, String locationSettings) {
        int port = Ports.free();
        try {
            for (String t : new String[] {"body", "proxy", "fastcgi", "uwsgi", "scgi"}) Files.createDirectories(dir.resolve("tmp").resolve(t));
            boolean root = "root".equals(System.getProperty("user.name"));
            String config = (root ? "user root;\n" : "") + """
                    daemon off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 64; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/tmp/body;
                        proxy_temp_path %1$s/tmp/proxy;
                        fastcgi_temp_path %1$s/tmp/fastcgi;
                        uwsgi_temp_path %1$s/tmp/uwsgi;
                        scgi_temp_path %1$s/tmp/scgi;
                        server {
                            listen 127.0.0.1:%2$d;
                            location / {
                                proxy_pass http://127.0.0.1:%3$d;
                    %4$s
                            }
                        }
                    }
                    """.formatted(dir, port, upstream, locationSettings);
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, config);
            Process p = new ProcessBuilder(NginxVolumeProcess.nginxBinary().toString(), "-c", conf.toString(), "-p", dir + "/",
                    "-e", dir.resolve("startup.log").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            ReverseProxy proxy = new ReverseProxy(port, dir, p);
            try {
                Ports.await("the proxy on port " + port, Duration.ofSeconds(20), () -> {
                    if (!p.isAlive()) throw new AssertionError("nginx exited: " + proxy.errorLog());
                    return Ports.open(port);
                });
            } catch (RuntimeException | Error e) {
                proxy.close();
                throw e;
            }
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    String errorLog() {
        try {
            Path log = dir.resolve("error.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            new ProcessBuilder("kill", "-QUIT", Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
