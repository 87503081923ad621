package mkv.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A release unpacked into a test's folder, and the mkv processes started from it without a JDK:
 * JAVA_HOME unset and, first on PATH, a {@code java} and a {@code javac} that fail and leave a
 * mark, so any use of a JDK outside the release shows. Everything is written under the folder;
 * {@link #close()} stops every process it started, and the nginx workers they had, by PID.
 */
final class Release implements AutoCloseable {
    static final String VERSION = System.getProperty("mkv.version", "0.1.0-SNAPSHOT");
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /** The folder holding bin/mkv, lib/ and runtime/. */
    final Path home;
    /** Where the volumes, the index and the logs go. */
    final Path work;
    private final Path fakeBin;
    private final List<Started> started = new ArrayList<>();
    // Handles, not bare PIDs: a handle knows its process's start time, so a reused PID is never signalled.
    private final Set<ProcessHandle> handles = new LinkedHashSet<>();

    private Release(Path home, Path work) {
        this.home = home;
        this.work = work;
        this.fakeBin = work.resolve("fake-jdk/bin");
        try {
            Files.createDirectories(fakeBin);
            Files.createDirectories(work.resolve("tmp"));
            if (ROOT) {
                // Run as root, mkv volume hands its workers to an unprivileged account, which must be able to reach the volumes.
                for (Path p : List.of(work.getParent(), work)) {
                    Set<java.nio.file.attribute.PosixFilePermission> mode = new java.util.HashSet<>(Files.getPosixFilePermissions(p));
                    mode.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                    Files.setPosixFilePermissions(p, mode);
                }
            }
            for (String tool : List.of("java", "javac")) {
                Path fake = fakeBin.resolve(tool);
                Files.writeString(fake, "#!/bin/sh\necho \"$0 $*\" >> '" + jdkMarker() + "'\nexit 97\n");
                Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unpacks mkv-VERSION-linux-x64.tar.gz into {@code dir}. */
    static Release fromTarball(Path dir) {
        Path tarball = Path.of(System.getProperty("mkv.tarball", "target/mkv-" + VERSION + "-linux-x64.tar.gz"));
        exec(Duration.ofMinutes(2), "tar", "xzf", tarball.toString(), "-C", dir.toString());
        return new Release(dir.resolve("mkv-" + VERSION), dir.resolve("work"));
    }

    /** Unpacks the .deb with {@code dpkg-deb -x} into {@code dir/root}: no package database, no maintainer script runs. */
    static Release fromDeb(Path dir) {
        Path root = dir.resolve("root");
        exec(Duration.ofMinutes(2), "dpkg-deb", "-x", deb().toString(), root.toString());
        return new Release(root.resolve("opt/mkv"), dir.resolve("work"));
    }

    static Path deb() {
        return Path.of(System.getProperty("mkv.deb", "target/mkv_" + VERSION + "_amd64.deb"));
    }

    Path jdkMarker() {
        return work.resolve("jdk-used");
    }

    /** Whether anything ran a java or javac from PATH instead of the release's own runtime. */
    String jdkUse() {
        try {
            return Files.exists(jdkMarker()) ? Files.readString(jdkMarker()) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running process and the file its output goes to. */
    record Started(Process process, Path log) {
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        /** Its exit status, failing when it is still running at the deadline. */
        int exit(Duration deadline) {
            try {
                if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("still running after " + deadline + ": " + output());
                }
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Starts the release's bin/mkv with ARGS. */
    Started mkv(String name, String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/mkv").toString()));
        command.addAll(List.of(args));
        return start(name, command);
    }

    /**
     * The arguments of {@code mkv volume} for a volume in {@code work/name} on loopback: run as root,
     * with {@code --user nobody}, since mkv volume refuses to run nginx's workers as root.
     */
    String[] volumeArgs(String name, int port) {
        List<String> args = new ArrayList<>(List.of("volume", "--dir", work.resolve(name).toString(), "--port", Integer.toString(port),
                "--host", "127.0.0.1", "--secret-file", secret()));
        if (ROOT) args.addAll(List.of("--user", "nobody"));
        return args.toArray(String[]::new);
    }

    /** Starts mkv on the release's runtime without the launcher: the jar alone, as {@code java -cp lib/* mkv.app.Main}. */
    Started jarAlone(String name, String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("runtime/bin/java").toString(), "-XX:-UsePerfData",
                "--enable-native-access=ALL-UNNAMED", "-cp", home.resolve("lib") + "/*", "mkv.app.Main"));
        command.addAll(List.of(args));
        return start(name, command);
    }

    private Started start(String name, List<String> command) {
        Path log = work.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("JAVA_HOME");
        builder.environment().put("PATH", fakeBin + ":/usr/bin:/bin:/usr/sbin:/sbin");
        builder.environment().put("TMPDIR", work.resolve("tmp").toString());
        // No hsperfdata in /tmp, and the JVM's own temp files in the test's folder.
        builder.environment().put("MKV_JAVA_OPTS", "-XX:-UsePerfData -Djava.io.tmpdir=" + work.resolve("tmp"));
        try {
            Process process = builder.start();
            Started s = new Started(process, log);
            started.add(s);
            handles.add(process.toHandle());
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Remembers a process's children (nginx workers) so that close() stops them even when their master died. */
    void track(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> {
            handles.add(h);
            h.descendants().forEach(handles::add);
        });
    }

    /** A loopback port that is free now and was never handed out before in this JVM. */
    /** The secret the release's volumes and coordinator share, written once (mode 600) into the work folder. */
    String secret() {
        Path file = work.resolve("secret");
        try {
            if (!java.nio.file.Files.exists(file)) {
                java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                java.nio.file.Files.writeString(file, "k1 releasetestsecretreleasetestsecret0\n");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file.toString();
    }

    static int freePort() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                if (GIVEN.add(s.getLocalPort())) return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static boolean open(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return s.getLocalPort() != port; // a connect to itself (simultaneous open) is no listener
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code condition} until it holds; fails with {@code what} when the deadline passes. */
    static void await(String what, Duration deadline, BooleanSupplier condition) {
        Instant end = Instant.now().plus(deadline);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) throw new AssertionError("timed out after " + deadline + " waiting for " + what);
            LockSupport.parkNanos(50_000_000); // a poll interval: the loop re-checks until the deadline
        }
    }

    /** Sends a signal (QUIT, TERM, KILL, ...) to one process. */
    static void signal(long pid, String signal) {
        exec(Duration.ofSeconds(10), "kill", "-" + signal, Long.toString(pid));
    }

    /** Runs a command to its end; fails on a non-zero exit, with its output. Returns the output. */
    static String exec(Duration deadline, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + deadline);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + text);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Stops every process started here and every child seen, gracefully first (nginx: QUIT), then by force. */
    @Override
    public void close() {
        started.forEach(s -> track(s.process().pid()));
        for (ProcessHandle h : handles) {
            if (!h.isAlive()) continue;
            try {
                new ProcessBuilder("kill", "-QUIT", Long.toString(h.pid())).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                // no kill(1): destroy() below still stops it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            h.destroy();
        }
        Instant end = Instant.now().plusSeconds(15);
        for (ProcessHandle h : handles) {
            try {
                h.onExit().get(Math.max(1, Duration.between(Instant.now(), end).toMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception notYet) {
                h.destroyForcibly();
            }
        }
    }
}
