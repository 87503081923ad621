package mkv.app;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The options rebuild, rebalance and verify share: how patient to be with volumes, how often to report. */
final class AdminOptions {
    @Option(names = "--read-timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long a volume may stay silent during a call (default ${DEFAULT-VALUE}).")
    Duration readTimeout;

    @Option(names = "--progress-every", defaultValue = "5s", paramLabel = "DURATION",
            description = "How often a progress line is printed when not on a terminal (default ${DEFAULT-VALUE}).")
    Duration progressEvery;
}
