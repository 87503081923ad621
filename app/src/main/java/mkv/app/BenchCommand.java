package mkv.app;

import java.io.Console;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import mkv.loadgen.Load;
import mkv.loadgen.Phase;
import mkv.loadgen.Plan;
import mkv.loadgen.Progress;
import mkv.loadgen.Report;
import mkv.loadgen.Size;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mkv bench}: load on any minikeyvalue-compatible server, with ops/s and latency percentiles. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Puts load on a minikeyvalue-compatible server.",
            "The server may be mkv or the Go original. It speaks raw HTTP/1.1 keep-alive and reports operations per second, latency percentiles (HdrHistogram) and "
                    + "failures by status.",
            "",
            "Phases (--phase):",
            "  put          PUT each key once; 201 is success (403: the key was there).",
            "  get          GET keys an earlier put wrote under the same --prefix;",
            "               302, or 200 with --follow (end to end, through nginx).",
            "  get-missing  GET keys nobody wrote; 404. The index miss path.",
            "  delete       DELETE keys an earlier put wrote; 204.",
            "  cycle        PUT, GET, DELETE of one fresh key after the other",
            "               (the Go minikeyvalue thrasher's loop).",
            "",
            "Without --duration each of --keys keys gets one operation. With it, put and cycle make fresh keys until time "
                    + "is up; get and get-missing go round keys 0 to KEYS-1.",
            "",
            "Examples:",
            "  mkv bench --phase put --keys 10000 --size 1KiB --prefix /b1/",
            "  mkv bench --phase get --keys 10000 -d 10s -c 64 --prefix /b1/",
            "  mkv bench --phase cycle -c 16 -d 10s --size 1KiB-4KiB",
            "  mkv bench --phase get --keys 100 --follow --json",
            "",
            "The progress line goes to stderr; the table (or --json) to stdout.",
            "Exit status: 0, or 1 when no operation succeeded, 2 for bad flags.",
            ""})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://127.0.0.1:3000", paramLabel = "URL",
            description = "Server URL (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--phase", defaultValue = "cycle", paramLabel = "PHASE",
            description = "put, get, get-missing, delete or cycle (default ${DEFAULT-VALUE}).")
    String phase;

    @Option(names = {"-c", "--concurrency"}, defaultValue = "16", paramLabel = "N",
            description = "Requests in flight at once, 1-4096: one thread and keep-alive connection each (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = {"-n", "--keys"}, defaultValue = "1000", paramLabel = "N",
            description = "How many keys (default ${DEFAULT-VALUE}); see above for how --duration changes it.")
    long keys;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME",
            description = "Run for this long (10s, 2m) instead of once per key.")
    Duration duration;

    @Option(names = "--size", defaultValue = "1KiB", paramLabel = "SIZE",
            description = "Value size for put and cycle: 100, 4KiB, 1MiB, or a range 1KiB-64KiB drawn per key (default ${DEFAULT-VALUE}).")
    String size;

    @Option(names = "--follow", description = "Follow the 302 to the volume and read the value (end to end), expecting 200.")
    boolean follow;

    @Option(names = "--prefix", defaultValue = "/bench/", paramLabel = "PATH",
            description = "Keys are PREFIX0, PREFIX1, ... (default ${DEFAULT-VALUE}); use the same prefix for put, then get.")
    String prefix;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "TIME",
            description = "Give up on one request after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "A bearer token for a server with tokens (sent to it, never to the volumes it redirects to). "
                    + "Other users can see a command line: prefer --token-file.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Read the bearer token from FILE: its first line, surrounding spaces removed.")
    java.nio.file.Path tokenFile;

    @Option(names = "--json", description = "Print the result as one JSON object instead of the table.")
    boolean json;

    @Option(names = "--percentiles", description = "Also print the main step's full HdrHistogram percentile distribution.")
    boolean percentiles;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Plan plan = plan();
        Load load = new Load(plan, token());
        Load.Result result;
        if (quiet) {
            result = load.run();
        } else {
            try (var progress = new Progress(load, System.err, onTerminal()).start()) {
                result = load.run();
            }
        }
        if (json) Report.json(result, System.out);
        else Report.table(result, System.out);
        if (percentiles) Report.percentiles(result, System.out);
        System.out.flush();
        // Every operation failing is a broken setup (wrong URL, wrong prefix), not a measurement.
        return result.ok() == 0 ? 1 : 0;
    }

    /** The flags as a validated plan; the first bad flag is named in one sentence. */
    Plan plan() {
        try {
            URI base;
            try {
                base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--url '" + url + "' is not a URL; write http://HOST:PORT");
            }
            Size parsed;
            try {
                parsed = Size.parse(size);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--size " + e.getMessage());
            }
            return new Plan(base, Phase.parse(phase), concurrency, keys, Optional.ofNullable(duration), parsed, follow, prefix, timeout);
        } catch (IllegalArgumentException e) {
            // Main prints this as one line, "mkv bench: <message>", and exits 2.
            String m = e.getMessage();
            throw new IllegalArgumentException((m.startsWith("unknown phase") ? "--phase: " + m : m)
                    + " (see mkv bench --help)", e);
        }
    }

    /** The token from --token or --token-file; a problem with either is one line and exit 2. */
    Optional<String> token() {
        if (token != null && tokenFile != null) throw new IllegalArgumentException("give --token or --token-file, not both (see mkv bench --help)");
        String t = token;
        if (tokenFile != null) {
            try {
                t = java.nio.file.Files.readAllLines(tokenFile).stream().findFirst().orElse("").strip();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                throw new IllegalArgumentException("--token-file: cannot read " + tokenFile + ": " + e.getMessage());
            }
            if (t.isEmpty()) throw new IllegalArgumentException("--token-file: " + tokenFile + " has no token on its first line");
        }
        if (t != null && !t.matches("[A-Za-z0-9._~+/-]+=*")) {
            throw new IllegalArgumentException((token != null ? "--token" : "--token-file") + ": not a bearer token (A-Z a-z 0-9 - . _ ~ + / and = padding)");
        }
        return Optional.ofNullable(t);
    }

    /** Console.isTerminal() is JDK 22+; on 21 a console exists only on a terminal. */
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
