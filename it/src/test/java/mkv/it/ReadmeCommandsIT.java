package mkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs, in order, every command of README.md's {@code sh} blocks that can run on one machine,
 * against a real cluster, so the README cannot drift from what mkv does. Placeholder hosts
 * (h1:3001 ...) and localhost:3000/3100 are mapped to the test's loopback ports; curl fails on
 * any HTTP error; a few figures are scaled down to keep the run short. Commands that start
 * long-running processes have their flags checked against their --help instead.
 */
class ReadmeCommandsIT {
    @TempDir
    static Path dir;
    static Cluster cluster;
    static Path work;

    /** Commands not run, each with the reason; any other command of the README is run. */
    static final Map<String, String> NOT_RUN = Map.of(
            "bin/test", "runs this very test suite",
            "apt-get ", "needs root and changes the machine; the release test installs the .deb",
            "systemctl ", "needs systemd; the release test checks the units");

    /** Commands that run until stopped: only their flags are checked, against {@code mkv COMMAND --help}. */
    static final List<String> FLAGS_ONLY = List.of("bin/mkv dev", "bin/mkv volume", "bin/mkv server");

    /** Figures scaled down so the test stays short; the command's shape is unchanged. */
    static final Map<String, String> SCALED = Map.of("--duration 30s", "--duration 2s", "--keys 10000", "--keys 200");

    /** The README's new.jpg; its md5 stands in for the "<md5 hex>" placeholder, the live value's once new.jpg replaced it. */
    static final byte[] NEW_VALUE = "the replacement value, also not a cat".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void start() throws IOException {
        cluster = Cluster.start(dir.resolve("cluster"), 3, 3);
        cluster.addVolume();
        work = Files.createDirectories(dir.resolve("work"));
        Files.write(work.resolve("cat.jpg"), "not really a cat, but 100 bytes or more of something to store and read back in ranges.".repeat(3)
                .getBytes(StandardCharsets.UTF_8));
        Files.write(work.resolve("new.jpg"), NEW_VALUE);
        Files.createDirectories(work.resolve("backup"));
        Path bin = Files.createDirectories(work.resolve("bin"));
        script(bin.resolve("mkv"), "exec " + String.join(" ", cluster.mkvCommand().stream().map(ReadmeCommandsIT::quote).toList()) + " \"$@\"");
        Path wrap = Files.createDirectories(dir.resolve("wrap"));
        script(wrap.resolve("curl"), "exec /usr/bin/curl --silent --show-error --fail --max-time 30 \"$@\"");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\nset -euo pipefail\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The commands of README.md's sh blocks, continuation lines joined, comment-only lines dropped. */
    static List<String> readmeCommands() throws IOException {
        List<String> commands = new ArrayList<>();
        boolean inSh = false;
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("```")) {
                inSh = !inSh && line.equals("```sh");
                continue;
            }
            if (!inSh || line.isBlank() || line.strip().startsWith("#")) continue;
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            commands.add(pending.append(line).toString());
            pending.setLength(0);
        }
        return commands;
    }

    String localized(String command) {
        String c = command.replace("localhost:3000", "127.0.0.1:" + cluster.port)
                .replace("localhost:3100", "127.0.0.1:" + cluster.adminPort)
                .replace("/var/lib/mkv/index.db", cluster.db().toString())
                .replace("/etc/mkv/secret", cluster.secretFile().toString())
                .replace("/var/lib/mkv/", work + "/")
                .replace(" /backup/", " " + work + "/backup/")
                .replace("<md5 hex>", Http.md5(NEW_VALUE));
        for (int i = 0; i < cluster.volumePorts.size(); i++) c = c.replace("h" + (i + 1) + ":3001", "127.0.0.1:" + cluster.volumePorts.get(i));
        for (var e : SCALED.entrySet()) c = c.replace(e.getKey(), e.getValue());
        // Optional parts are run too: "[--dry-run]" becomes "--dry-run".
        return c.replace("[", "").replace("]", "");
    }

    static Cluster.Run bash(Path cwd, String command) throws Exception {
        Path log = Files.createTempFile(dir, "cmd", ".log");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -euo pipefail\n" + command).directory(cwd.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PATH", dir.resolve("wrap") + ":" + pb.environment().get("PATH"));
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) throw new AssertionError("did not finish in 120 s: " + command);
            return new Cluster.Run(p.exitValue(), Files.readString(log));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void every_readme_command_runs_as_written() throws Exception {
        List<String> commands = readmeCommands();
        assertThat(commands).as("README commands").hasSizeGreaterThan(15);
        Map<String, String> ran = new LinkedHashMap<>();
        for (String command : commands) {
            if (NOT_RUN.keySet().stream().anyMatch(command::startsWith)) continue;
            if (FLAGS_ONLY.stream().anyMatch(command::startsWith)) {
                checkFlags(command);
                continue;
            }
            String local = localized(command);
            Cluster.Run run = bash(work, local);
            assertThat(run.exit()).as("README: %s%nran: %s%nprinted: %s", command, local, run.output()).isZero();
            ran.put(command, run.output());
        }
        assertThat(ran.keySet()).anyMatch(c -> c.startsWith("curl -T")).anyMatch(c -> c.startsWith("bin/mkv rebuild"))
                .anyMatch(c -> c.startsWith("bin/mkv bench"));
        // The listing line's comment shows a live key; after the README's own DELETE the cat is gone, the notes stay.
        assertThat(ran.entrySet()).anyMatch(e -> e.getKey().startsWith("curl 'http://localhost:3000/photos/?list'")
                && e.getValue().contains("\"/photos/cat2.jpg\""));
    }

    /** Every --flag a synopsis line names is one its command's --help lists. */
    void checkFlags(String command) throws Exception {
        String sub = command.split("\\s+")[1];
        Cluster.Run help = bash(work, "bin/mkv " + sub + " --help");
        assertThat(help.exit()).as(sub + " --help").isZero();
        Matcher m = Pattern.compile("--[a-z][a-z-]*").matcher(command);
        while (m.find()) assertThat(help.output()).as("README names %s for mkv %s", m.group(), sub).contains(m.group());
    }
}
