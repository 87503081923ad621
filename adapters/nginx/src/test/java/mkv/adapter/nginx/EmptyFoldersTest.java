package mkv.adapter.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emptied folders go, and nothing else: never a file, never a folder that holds one, never the
 * temp folders or a subvolume (it may be a mount point), and never a PUT's file, even while nginx
 * writes into the very folders being pruned.
 */
class EmptyFoldersTest {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void empty_aa_bb_folders_go_and_everything_else_stays() throws IOException {
        Path data = dir.resolve("data");
        Path kept = Files.createDirectories(data.resolve("sv00/ab/cd"));
        Files.writeString(kept.resolve("0123"), "x");
        Path keptHidden = Files.createDirectories(data.resolve("sv00/ab/ce"));
        Files.writeString(keptHidden.resolve(".partial"), "x");
        Files.createDirectories(data.resolve("sv00/ab/ef"));
        Files.createDirectories(data.resolve("sv00/12/34"));
        Files.createDirectories(data.resolve("sv00/12/56"));
        Files.createDirectories(data.resolve("sv01/ff/ff"));
        Files.createDirectories(data.resolve("sv00/.tmp"));
        Files.createDirectories(data.resolve(".tmp"));
        Files.createDirectories(data.resolve("sv00/zz/00")); // not mkv's layout: left alone
        Files.createDirectories(data.resolve("other/ab/cd"));

        // sv00/ab/ef, sv00/12/34, sv00/12/56, sv00/12, sv01/ff/ff, sv01/ff
        assertThat(EmptyFolders.prune(data)).isEqualTo(6);
        assertThat(kept.resolve("0123")).hasContent("x");
        assertThat(keptHidden.resolve(".partial")).exists();
        assertThat(data.resolve("sv00/ab/ef")).doesNotExist();
        assertThat(data.resolve("sv00/12")).doesNotExist();
        assertThat(data.resolve("sv01")).isDirectory();
        assertThat(data.resolve("sv01/ff")).doesNotExist();
        assertThat(data.resolve("sv00/.tmp")).isDirectory();
        assertThat(data.resolve(".tmp")).isDirectory();
        assertThat(data.resolve("sv00/zz/00")).isDirectory();
        assertThat(data.resolve("other/ab/cd")).isDirectory();
        assertThat(EmptyFolders.prune(data)).isZero();
        assertThat(EmptyFolders.prune(dir.resolve("absent"))).isZero();
    }

    private static int send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Why pruning never goes through nginx: its DELETE of a folder takes the files in it along. */
    @Test
    void nginx_deletes_a_folder_with_its_files_which_is_why_pruning_never_asks_it() throws Exception {
        NginxConfig config = NginxConfig.of(dir.resolve("vol"), NginxVolumesTest.freePort(), ROOT ? io.vavr.control.Option.some(new WorkerUser("root", "root")) : io.vavr.control.Option.none());
        try (NginxVolumeProcess volume = NginxVolumeProcess.start(config, Duration.ofSeconds(10))) {
            String base = "http://127.0.0.1:" + config.port();
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/sv00/ab/cd/blob")).PUT(HttpRequest.BodyPublishers.ofString("v")))).isEqualTo(201);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/sv00/ab/cd/")).DELETE())).isEqualTo(204);
            assertThat(config.dataRoot().resolve("sv00/ab/cd/blob")).doesNotExist();
        }
    }

    /**
     * The race that matters: PUTs into a handful of folders while pruning runs over them again and
     * again. A PUT may fail (nginx answers 500 when its folder vanished twice), but every PUT nginx
     * answered 201 has its file, whole. Bounded by a count of PUTs, not by time.
     */
    @Test
    void pruning_beside_a_running_nginx_never_loses_a_file_that_a_put_stored() throws Exception {
        NginxConfig config = NginxConfig.of(dir.resolve("vol"), NginxVolumesTest.freePort(), ROOT ? io.vavr.control.Option.some(new WorkerUser("root", "root")) : io.vavr.control.Option.none());
        try (NginxVolumeProcess volume = NginxVolumeProcess.start(config, Duration.ofSeconds(10))) {
            String base = "http://127.0.0.1:" + config.port();
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong prunes = new AtomicLong(), removed = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> pruneErrors = new ConcurrentLinkedQueue<>();
            Thread pruner = Thread.ofPlatform().start(() -> {
                while (!done.get()) {
                    try {
                        removed.addAndGet(EmptyFolders.prune(config.dataRoot()));
                        prunes.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        pruneErrors.add(e);
                    }
                }
            });
            List<Path> stored = new ArrayList<>();
            long failed = 0;
            try {
                for (int i = 0; i < 1500; i++) {
                    // Even: four churned folders, emptied again right after each PUT, so the pruner keeps removing them.
                    // Odd: files kept in four other folders the pruner walks too, which must never lose one.
                    boolean keep = i % 2 == 1;
                    String folder = "sv00/" + (keep ? "1" : "0") + (i % 4) + "/aa/";
                    String path = "/" + folder + "f" + i;
                    Path file = config.dataRoot().resolve(folder + "f" + i);
                    int status = send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString("value " + i)));
                    if (status == 201) {
                        assertThat(file).as("stored by a 201").hasContent("value " + i);
                        if (keep) stored.add(file);
                        else assertThat(send(HttpRequest.newBuilder(URI.create(base + path)).DELETE())).isEqualTo(204);
                    } else {
                        assertThat(status).as("a PUT whose folder vanished twice").isEqualTo(500);
                        failed++;
                    }
                }
            } finally {
                done.set(true);
                pruner.join(30_000);
            }
            assertThat(pruneErrors).isEmpty();
            assertThat(prunes.get()).as("the pruner ran throughout").isGreaterThan(10);
            assertThat(removed.get()).as("folders were emptied and removed under the PUTs").isGreaterThan(10);
            for (Path p : stored) assertThat(p).as("a file a PUT stored and nobody deleted").exists();
            assertThat((long) stored.size()).as("kept files stored, with %d PUTs failed", failed).isGreaterThan(700 - failed);
        }
    }
}
