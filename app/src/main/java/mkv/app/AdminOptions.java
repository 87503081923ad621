package mkv.app;

import io.vavr.collection.List;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options rebuild, rebalance and verify share — how patient to be with volumes, how often to
 * report — and the rules their shared flags keep, declared once as the coordinator's are.
 */
final class AdminOptions {
    /** Folders walked, keys moved or entries checked at once. */
    static final Rule<Integer> CONCURRENCY = Rule.between(1, 1024);
    /** How old a WRITING entry or a file must be before it counts as abandoned. */
    static final Rule<Duration> GRACE = Rule.notNegativeDuration();
    static final Rule<Duration> READ_TIMEOUT = Rule.positive();
    static final Rule<Duration> PROGRESS_EVERY = Rule.positive();

    @Option(names = "--read-timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long a volume may stay silent during a call (default ${DEFAULT-VALUE}).")
    Duration readTimeout;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "PEM certificates of the CA that signs the volumes' certificates; needed when a volume is given with the https scheme.")
    java.nio.file.Path tlsCa;

    @Option(names = "--progress-every", defaultValue = "5s", paramLabel = "DURATION",
            description = "How often a progress line is printed when not on a terminal (default ${DEFAULT-VALUE}).")
    Duration progressEvery;

    /** The problems with these shared flags, each naming its flag. */
    List<String> problems() {
        return List.of(READ_TIMEOUT.check("--read-timeout", readTimeout), PROGRESS_EVERY.check("--progress-every", progressEvery))
                .flatMap(p -> p);
    }

    /** Every problem among {@code checks}, in order. */
    @SafeVarargs
    static List<String> problems(io.vavr.control.Option<String>... checks) {
        return List.of(checks).flatMap(p -> p);
    }
}
