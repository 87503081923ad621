package mkv.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The systemd units run mkv as its own unprivileged user with the hardening a JVM tolerates
 * (docs/SECURITY.md, "Least privilege"), and {@code systemd-analyze security} keeps scoring them
 * below 2.0 ("OK"), where it is installed.
 */
class SystemdUnitsTest {
    private static final Path UNITS = Path.of("../contrib/systemd");
    private static final List<String> UNIT_FILES = List.of("mkv.service", "mkv-volume@.service");

    @Test
    void each_unit_runs_as_mkv_with_the_hardening_a_jvm_tolerates_and_not_memory_deny_write_execute() throws Exception {
        for (String unit : UNIT_FILES) {
            List<String> lines = Files.readAllLines(UNITS.resolve(unit), StandardCharsets.UTF_8);
            assertThat(lines).as(unit).contains("User=mkv", "Group=mkv", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                    "CapabilityBoundingSet=", "ProtectHome=yes", "RestrictSUIDSGID=yes");
            assertThat(lines).as(unit).anyMatch(l -> l.startsWith("ReadWritePaths=/"));
            // The JIT writes code it then runs: MemoryDenyWriteExecute=yes would kill the JVM at start.
            assertThat(lines).as(unit).noneMatch(l -> l.startsWith("MemoryDenyWriteExecute="));
        }
    }

    @Test
    void systemd_analyze_security_scores_each_unit_below_two() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        for (String unit : UNIT_FILES) {
            // --threshold is on the 0-100 scale behind the 0.0-10.0 score: 20 is 2.0.
            Process p = new ProcessBuilder("/usr/bin/systemd-analyze", "security", "--offline=yes", "--threshold=20",
                    UNITS.resolve(unit).toAbsolutePath().toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as(unit).contains("Overall exposure level");
            assertThat(p.exitValue()).as(unit + ":\n" + out).isZero();
        }
    }
}
