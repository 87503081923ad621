package mkv.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A PUT body's pace: too few bytes per window of waiting fail it, a silent one is cut off, a fast one never. */
class BodyPaceTest {
    private final AtomicLong now = new AtomicLong();

    /** Each read takes {@code perRead} of the fake clock and brings {@code bytes} bytes, for ever. */
    private InputStream source(Duration perRead, int bytes) {
        return new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                now.addAndGet(perRead.toNanos());
                return Math.min(len, bytes);
            }
        };
    }

    private PacedBody paced(long minRate, Duration window, InputStream source) {
        return new BodyPace(new BodyPace.Limits(minRate, window), now::get).watch(source);
    }

    @Test
    void a_trickle_fails_at_the_end_of_its_first_window_of_waiting() throws IOException {
        PacedBody body = paced(100, Duration.ofSeconds(3), source(Duration.ofSeconds(1), 1));
        byte[] buffer = new byte[10];
        assertThat(body.read(buffer, 0, 10)).isEqualTo(1);
        assertThat(body.read(buffer, 0, 10)).isEqualTo(1);
        assertThatThrownBy(() -> body.read(buffer, 0, 10)).isInstanceOf(IOException.class).hasMessageContaining("slower than 100 bytes/s");
        assertThat(body.tooSlow()).isTrue();
        assertThatThrownBy(() -> body.read(buffer, 0, 10)).isInstanceOf(IOException.class);
    }

    @Test
    void a_body_at_the_minimum_rate_passes_window_after_window() throws IOException {
        PacedBody body = paced(100, Duration.ofSeconds(3), source(Duration.ofSeconds(1), 100));
        byte[] buffer = new byte[100];
        for (int i = 0; i < 1000; i++) assertThat(body.read(buffer, 0, 100)).isEqualTo(100);
        assertThat(body.tooSlow()).isFalse();
    }

    @Test
    void time_the_coordinator_spends_away_from_the_body_does_not_count_against_it() throws IOException {
        PacedBody body = paced(100, Duration.ofSeconds(3), source(Duration.ofMillis(1), 1));
        byte[] buffer = new byte[1];
        for (int i = 0; i < 100; i++) {
            now.addAndGet(Duration.ofSeconds(10).toNanos()); // e.g. waiting on a slow volume
            assertThat(body.read(buffer, 0, 1)).isEqualTo(1);
        }
        assertThat(body.tooSlow()).isFalse();
    }

    @Test
    void a_rate_of_zero_turns_the_limit_off() throws IOException {
        PacedBody body = paced(0, Duration.ofSeconds(1), source(Duration.ofSeconds(100), 1));
        byte[] buffer = new byte[1];
        for (int i = 0; i < 10; i++) assertThat(body.read(buffer, 0, 1)).isEqualTo(1);
        assertThat(body.tooSlow()).isFalse();
    }

    @Test
    void a_body_that_sends_nothing_for_a_window_is_cut_off_and_its_reader_is_left_uninterrupted() throws Exception {
        BodyPace pace = new BodyPace(new BodyPace.Limits(1, Duration.ofMillis(200)));
        try (PipedOutputStream silent = new PipedOutputStream(); PipedInputStream in = new PipedInputStream(silent)) {
            PacedBody body = pace.watch(in);
            CompletableFuture<String> reader = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    body.read(new byte[10], 0, 10);
                    reader.complete("read returned");
                } catch (IOException e) {
                    reader.complete(e.getMessage() + "; interrupted afterwards: " + Thread.currentThread().isInterrupted());
                }
            });
            assertThat(reader.get(10, TimeUnit.SECONDS)).contains("slower than 1 bytes/s").endsWith("interrupted afterwards: false");
            assertThat(body.tooSlow()).isTrue();
            pace.release(body);
        }
    }
}
