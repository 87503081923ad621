package mkv.adapter.nginx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Bodies for tests, generated on the fly so a large value never sits in memory. */
final class TestBodies {
    private TestBodies() {}

    /** {@code length} deterministic bytes that depend on {@code seed}. */
    static InputStream pattern(long length, long seed) {
        return new Pattern(length, seed, Integer.MAX_VALUE, -1);
    }

    /** Like {@link #pattern} but throws once {@code breakAt} bytes were read. */
    static InputStream breaking(long length, long seed, long breakAt) {
        return new Pattern(length, seed, Integer.MAX_VALUE, breakAt);
    }

    static String md5(InputStream in) {
        return digest("MD5", in);
    }

    static String sha256(InputStream in) {
        return digest("SHA-256", in);
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String digest(String algorithm, InputStream in) {
        try (in) {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) digest.update(buffer, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class Pattern extends InputStream {
        private final long length;
        private final long seed;
        private final int maxRead;
        private final long breakAt;
        private long position;

        Pattern(long length, long seed, int maxRead, long breakAt) {
            this.length = length;
            this.seed = seed;
            this.maxRead = maxRead;
            this.breakAt = breakAt;
        }

        private byte at(long i) {
            long x = (i + seed) * 0x9E3779B97F4A7C15L;
            return (byte) (x ^ (x >>> 29) ^ (i >>> 8));
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (breakAt >= 0 && position >= breakAt) throw new IOException("client went away");
            if (position >= length) return -1;
            long limit = breakAt >= 0 ? Math.min(length, breakAt) : length;
            int n = (int) Math.min(Math.min(len, maxRead), limit - position);
            for (int i = 0; i < n; i++) b[off + i] = at(position + i);
            position += n;
            return n;
        }
    }
}
