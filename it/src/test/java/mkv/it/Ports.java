package mkv.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Free loopback ports, and waiting for a condition with a deadline instead of sleeping. */
final class Ports {
    private Ports() {}

    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free loopback port, never one handed out before in this JVM: the kernel may give the
     * same ephemeral port to two binds in a row, and two parts of one cluster (a volume and
     * the coordinator) on one port would make a test talk to the wrong server.
     */
    static int free() {
        while (true) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                port = s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (GIVEN.add(port)) return port;
        }
    }

    static boolean open(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            // A free port is taken from the ephemeral range, so a connect to it while nothing listens
            // can be given that very port as its own source and connect to itself (TCP simultaneous
            // open): that is no listener. (TlsIT once saw "open", then connection refused.)
            return s.getLocalPort() != port;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code condition} until it holds; fails with {@code what} when the deadline passes. */
    static void await(String what, Duration deadline, BooleanSupplier condition) {
        Instant end = Instant.now().plus(deadline);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) throw new AssertionError("timed out after " + deadline + " waiting for " + what);
            // A poll interval, not a sleep to pass: the loop re-checks the condition until the deadline.
            LockSupport.parkNanos(20_000_000);
        }
    }
}
