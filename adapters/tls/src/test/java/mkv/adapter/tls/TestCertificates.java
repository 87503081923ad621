package mkv.adapter.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority of a test's own, made with {@code openssl} in the test's folder: its
 * certificate to trust, and server certificates it signs for loopback (127.0.0.1 and localhost),
 * each with the serial asked for so a test can tell which one a server presents.
 */
public final class TestCertificates {

    /** A server certificate and its key, both PEM files. */
    public record Issued(Path cert, Path key, BigInteger serial) {}

    private final Path dir;
    private final String name;

    private TestCertificates(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** A new CA called {@code name}, its files in {@code dir}. */
    public static TestCertificates authority(Path dir, String name) {
        var ca = new TestCertificates(dir, name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca.caKey().toString(), "-out", ca.caCert().toString(),
                "-days", "2", "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** The CA's certificate: what a client trusts. */
    public Path caCert() {
        return dir.resolve(name + "-ca.pem");
    }

    private Path caKey() {
        return dir.resolve(name + "-ca.key");
    }

    /** A server certificate for loopback, signed by this CA, with a key of its own. */
    public Issued issue(String file, long serial) {
        Path key = dir.resolve(file + ".key");
        Path csr = dir.resolve(file + ".csr");
        Path cert = dir.resolve(file + ".pem");
        Path ext = dir.resolve(file + ".ext");
        try {
            Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                    + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=127.0.0.1");
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert().toString(), "-CAkey", caKey().toString(),
                "-set_serial", Long.toString(serial), "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
        return new Issued(cert, key, BigInteger.valueOf(serial));
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile(dir, "openssl", ".log");
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl did not finish: " + command);
            }
            if (p.exitValue() != 0) throw new IllegalStateException("openssl failed: " + command + ": " + Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
