package mkv.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive and the Debian package, as built by this module, run a working cluster on
 * their own Java runtime: unpacked into the test's folder (the .deb with dpkg-deb -x, so the host
 * is never touched), started with no JDK on PATH and JAVA_HOME unset.
 */
class ReleaseIT {
    @TempDir
    Path dir;

    @Test
    void the_tarball_runs_a_cluster_without_a_jdk_and_stops_it_cleanly() throws Exception {
        try (Release release = Release.fromTarball(dir)) {
            assertThat(Files.isExecutable(release.home.resolve("runtime/bin/java"))).isTrue();
            assertThat(Files.exists(release.home.resolve("runtime/jmods"))).isFalse();
            assertVersion(release);
            LocalCluster cluster = new LocalCluster(release);
            cluster.putAndGet("/release/tarball.txt", "from the tarball");
            cluster.stopServer();
            cluster.stopVolumes();
            assertThat(release.jdkUse()).as("a JDK from PATH was used").isEmpty();
        }
    }

    @Test
    void the_deb_passes_lintian_installs_the_right_files_and_runs_a_cluster_without_a_jdk() throws Exception {
        String lint = lintian();
        assertThat(lint).doesNotContainPattern("(?m)^[EW]: ");

        String info = Release.exec(Duration.ofSeconds(30), "dpkg-deb", "--info", Release.deb().toString());
        assertThat(info).contains("Package: mkv").contains("Architecture: amd64").containsPattern("Depends: .*nginx-light \\| nginx");
        Path control = dir.resolve("control");
        Release.exec(Duration.ofSeconds(30), "dpkg-deb", "--control", Release.deb().toString(), control.toString());
        assertThat(control.resolve("postinst")).content().contains("adduser --system").contains("install -d -o mkv -g mkv");
        assertThat(control.resolve("conffiles")).content().contains("/etc/mkv/mkv.yaml");

        try (Release release = Release.fromDeb(dir)) {
            Path root = dir.resolve("root");
            assertThat(Files.readSymbolicLink(root.resolve("usr/bin/mkv"))).isEqualTo(Path.of("/opt/mkv/bin/mkv"));
            assertThat(root.resolve("lib/systemd/system/mkv.service")).content()
                    .contains("ExecStart=/opt/mkv/bin/mkv server").contains("User=mkv");
            assertThat(root.resolve("lib/systemd/system/mkv-volume@.service")).content()
                    .contains("ExecStart=/opt/mkv/bin/mkv volume").contains("KillSignal=SIGQUIT");
            assertThat(root.resolve("etc/mkv/mkv.yaml")).exists();
            assertThat(root.resolve("usr/share/doc/mkv/copyright")).exists();
            assertVersion(release);
            LocalCluster cluster = new LocalCluster(release);
            cluster.putAndGet("/release/deb.txt", "from the deb");
            cluster.stopServer();
            cluster.stopVolumes();
            assertThat(release.jdkUse()).as("a JDK from PATH was used").isEmpty();
        }
    }

    /**
     * Installs the package on this host for real ({@code apt-get install ./mkv_VERSION_amd64.deb}, as
     * root): only with MKV_TEST_INSTALL=1, since it changes the host (a package, a user, /srv/mkv).
     */
    @Test
    @EnabledIfEnvironmentVariable(named = "MKV_TEST_INSTALL", matches = "1")
    void apt_get_installs_the_package_with_its_user_and_folders() {
        Release.exec(Duration.ofMinutes(5), "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y",
                Release.deb().toAbsolutePath().toString());
        assertThat(Release.exec(Duration.ofSeconds(60), "/usr/bin/mkv", "--version").strip()).isEqualTo("mkv " + Release.VERSION);
        assertThat(Release.exec(Duration.ofSeconds(10), "getent", "passwd", "mkv")).contains("/var/lib/mkv");
        assertThat(Release.exec(Duration.ofSeconds(10), "stat", "-c", "%U", "/srv/mkv", "/var/lib/mkv")).isEqualTo("mkv\nmkv\n");
        assertThat(Path.of("/lib/systemd/system/mkv.service")).exists();
        assertThat(Path.of("/lib/systemd/system/mkv-volume@.service")).exists();
    }

    private static void assertVersion(Release release) {
        Release.Started version = release.mkv("version", "--version");
        assertThat(version.exit(Duration.ofSeconds(60))).isZero();
        assertThat(version.output().strip()).isEqualTo("mkv " + Release.VERSION);
        Release.Started serverVersion = release.mkv("server-version", "server", "--version");
        assertThat(serverVersion.exit(Duration.ofSeconds(60))).isZero();
        assertThat(serverVersion.output().strip()).isEqualTo("mkv " + Release.VERSION);
    }

    /** lintian with the package's own overrides; each override says why in src/deb/lintian-overrides. */
    private static String lintian() {
        if (!java.nio.file.Files.isExecutable(Path.of("/usr/bin/lintian"))) {
            throw new AssertionError("lintian is not installed: bin/test installs it (as root), or: apt-get install lintian");
        }
        // lintian exits non-zero on errors and warnings with --fail-on; exec then fails with its report.
        return Release.exec(Duration.ofMinutes(5), "lintian", "--fail-on", "error,warning", Release.deb().toString());
    }
}
