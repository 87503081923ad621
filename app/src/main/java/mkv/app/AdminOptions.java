package mkv.app;

import io.vavr.collection.List;
import java.time.Duration;
import mkv.adapter.nginx.NginxVolumes;
import mkv.adapter.nginx.SigningKeys;
import mkv.adapter.nginx.UrlSigner;
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

    @Option(names = "--secret-file", paramLabel = "FILE", defaultValue = "${env:MKV_SECRET_FILE}",
            description = "The secret the volumes share with the coordinator (its --secret-file): every request to a volume is "
                    + "signed with it. Env MKV_SECRET_FILE.")
    java.nio.file.Path secretFile;

    @Option(names = "--insecure", description = "Talk to volumes run with --insecure: no secret, nothing signed.")
    boolean insecure;

    private UrlSigner signer = UrlSigner.UNSIGNED;

    /** The problems with these shared flags, each naming its flag; the secret file is read here. */
    List<String> problems() {
        List<String> found = List.of(READ_TIMEOUT.check("--read-timeout", readTimeout), PROGRESS_EVERY.check("--progress-every", progressEvery))
                .flatMap(p -> p);
        if (secretFile == null && !insecure) {
            return found.append("--secret-file: the volumes answer only signed requests; give the coordinator's secret file "
                    + "(--secret-file FILE or MKV_SECRET_FILE), or --insecure for volumes run without one");
        }
        if (secretFile == null) return found;
        var keys = SigningKeys.read(secretFile);
        if (keys.isLeft()) return found.append("--secret-file: " + keys.getLeft());
        signer = new UrlSigner(keys.get());
        return found;
    }

    /** How the admin tools sign their calls to volumes: with the secret file's first key (see {@link #problems}). */
    NginxVolumes.Signing signing() {
        return new NginxVolumes.Signing(signer, java.time.Clock.systemUTC(), Duration.ofHours(1));
    }

    /** Every problem among {@code checks}, in order. */
    @SafeVarargs
    static List<String> problems(io.vavr.control.Option<String>... checks) {
        return List.of(checks).flatMap(p -> p);
    }
}
