package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mkv volume} never runs nginx's workers as root (docs/SECURITY.md, "Least privilege"):
 * started as root it hands them to --user or to the folder's owner, whose folders they can then
 * write, and refuses a root-owned folder without --user. The root cases need the tests to run as
 * root (as they do on the project's machines); elsewhere they are skipped and the non-root case runs.
 */
class VolumeUserIT {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path dir;

    record Volume(Process process, Path log) {
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }
    }

    private Volume start(String name, int port, String... extra) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = System.getProperty("mkv.jar", Path.of("../app/target/mkv.jar").toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + dir, "-jar", jar, "volume", "--dir", dir.resolve(name).toString(),
                "--port", Integer.toString(port), "--host", "127.0.0.1",
                // Who runs nginx's workers is this test's subject, not signing: the volume checks no signature.
                "--insecure"));
        cmd.addAll(List.of(extra));
        Path log = dir.resolve(name + ".log");
        return new Volume(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
    }

    /** SIGTERM (mkv stops nginx gracefully), then by force, nginx's processes included, by PID. */
    private static void stop(Volume v) throws InterruptedException {
        List<ProcessHandle> nginx = v.process().descendants().toList();
        v.process().destroy();
        if (!v.process().waitFor(30, TimeUnit.SECONDS)) v.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        nginx.forEach(ProcessHandle::destroyForcibly);
    }

    private static long uid(ProcessHandle p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
            if (line.startsWith("Uid:")) return Long.parseLong(line.split("\\s+")[1]);
        }
        throw new IOException("no Uid in /proc/" + p.pid() + "/status");
    }

    private static long uidOf(String user) throws Exception {
        Process id = new ProcessBuilder("id", "-u", user).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(id.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Long.parseLong(out);
    }

    /** nginx's workers: the children of its master, the one child of the mkv process. */
    private static List<ProcessHandle> workers(Volume v) {
        Ports.await("nginx's workers to start", Duration.ofSeconds(30),
                () -> v.process().children().findFirst().map(m -> m.children().findAny().isPresent()).orElse(false));
        return v.process().children().findFirst().orElseThrow().children().toList();
    }

    private Volume running(String name, int port, String... extra) throws IOException {
        Volume v = start(name, port, extra);
        Ports.await("volume " + name + " on port " + port, Duration.ofSeconds(60), () -> {
            if (!v.process().isAlive()) throw new AssertionError("mkv volume exited: " + v.output());
            return Ports.open(port) && v.output().contains("volume on 127.0.0.1:" + port);
        });
        return v;
    }

    /** The test's folder is private to root; the workers' account must be able to pass through it, as through /srv. */
    private void traversable() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @Test
    void started_as_root_with_user_its_workers_run_as_that_user_and_can_store_values() throws Exception {
        assumeTrue(ROOT, "needs root");
        traversable();
        int port = Ports.free();
        Volume v = running("asked", port, "--user", "nobody");
        try {
            List<ProcessHandle> workers = workers(v);
            assertThat(workers).isNotEmpty();
            long nobody = uidOf("nobody");
            for (ProcessHandle w : workers) assertThat(uid(w)).as("worker " + w.pid()).isEqualTo(nobody);
            assertThat(Files.getOwner(dir.resolve("asked/data")).getName()).isEqualTo("nobody");
            assertThat(Files.readString(dir.resolve("asked/run/nginx.conf"))).contains("\nuser nobody ");

            URI blob = URI.create("http://127.0.0.1:" + port + "/sv00/aa/bb/written-by-a-worker");
            assertThat(Http.send(HttpRequest.newBuilder(blob).PUT(HttpRequest.BodyPublishers.ofString("v"))).statusCode()).isEqualTo(201);
            assertThat(Files.getOwner(dir.resolve("asked/data/sv00/aa/bb/written-by-a-worker")).getName()).isEqualTo("nobody");
            assertThat(Http.text(Http.send(HttpRequest.newBuilder(blob).GET()))).isEqualTo("v");
        } finally {
            stop(v);
        }
    }

    @Test
    void started_as_root_without_user_its_workers_run_as_the_folders_owner() throws Exception {
        assumeTrue(ROOT, "needs root");
        traversable();
        Path folder = Files.createDirectories(dir.resolve("owned"));
        Files.setOwner(folder, folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        int port = Ports.free();
        Volume v = running("owned", port);
        try {
            long nobody = uidOf("nobody");
            for (ProcessHandle w : workers(v)) assertThat(uid(w)).as("worker " + w.pid()).isEqualTo(nobody);
        } finally {
            stop(v);
        }
    }

    @Test
    void started_as_root_on_a_root_owned_folder_without_user_it_refuses_and_starts_nothing() throws Exception {
        assumeTrue(ROOT, "needs root");
        Files.createDirectories(dir.resolve("rooted"));
        int port = Ports.free();
        Volume v = start("rooted", port);
        try {
            assertThat(v.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(v.process().exitValue()).as(v.output()).isEqualTo(2);
            assertThat(v.output()).contains("nginx's workers would run as root: " + dir.resolve("rooted") + " belongs to root", "--user NAME")
                    .doesNotContain("Exception");
            assertThat(Ports.open(port)).isFalse();
            assertThat(dir.resolve("rooted/run/nginx.conf")).doesNotExist();
        } finally {
            stop(v);
        }
    }

    @Test
    void a_user_that_does_not_exist_is_a_clear_refusal() throws Exception {
        assumeTrue(ROOT, "needs root");
        Volume v = start("ghost", Ports.free(), "--user", "no-such-user-mkv");
        try {
            assertThat(v.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(v.process().exitValue()).as(v.output()).isEqualTo(2);
            assertThat(v.output()).contains("--user no-such-user-mkv: no such user");
        } finally {
            stop(v);
        }
    }

    @Test
    void started_as_another_user_it_needs_no_user_line_and_refuses_a_switch_it_cannot_make() throws Exception {
        assumeTrue(!ROOT, "needs a user other than root");
        Volume v = start("plain", Ports.free(), "--user", "nobody");
        try {
            assertThat(v.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(v.process().exitValue()).as(v.output()).isEqualTo(2);
            assertThat(v.output()).contains("--user nobody needs mkv volume to start as root");
        } finally {
            stop(v);
        }
    }
}
