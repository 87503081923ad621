package mkv.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one {@code mkv} executable and its subcommands. */
@Command(name = "mkv", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
            "mkv: a distributed blob store.",
            "A coordinator keeps the index (key -> replicas) in SQLite and answers the HTTP API; the bytes live on stock nginx "
                    + "volumes. Reads are redirects (302), so no value ever passes through the coordinator on its way out.",
            "",
            "Start a whole local cluster:",
            "  mkv dev",
            "Run one volume (nginx):",
            "  mkv volume --dir /srv/mkv/vol1 --port 3001",
            "Run a coordinator over three volumes:",
            "  mkv server --volumes h1:3001,h2:3001,h3:3001 --db /var/lib/mkv/index.db",
            ""},
        subcommands = {ServerCommand.class, VolumeCommand.class, DevCommand.class, RebuildCommand.class, RebalanceCommand.class,
            VerifyCommand.class, BackupCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        configureLogging();
        System.exit(commandLine().execute(args));
    }

    /**
     * One line per log record, ISO time first: readable in a terminal and in journald. The bundled
     * logging.properties (formatter {@link LogLine}) applies unless the user names their own.
     */
    static void configureLogging() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        if (System.getProperty("java.util.logging.config.file") != null || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        try (java.io.InputStream in = Main.class.getResourceAsStream("/logging.properties")) {
            if (in != null) java.util.logging.LogManager.getLogManager().readConfiguration(in);
        } catch (java.io.IOException e) {
            System.err.println("mkv: could not read the bundled logging.properties, logging with the JDK's defaults: " + e.getMessage());
        }
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // Subcommands have their own --version; without a provider each printed an empty line.
        cli.getSubcommands().values().forEach(sub -> sub.getCommandSpec().versionProvider(new Version()));
        cli.registerConverter(java.time.Duration.class, new DurationConverter());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // A failure the user can act on is one clear line, never a stack trace. Exit 1: the
            // command ran and failed (e.g. an unreadable index); bad usage exits 2 before this.
            commandLine.getErr().println("mkv " + commandLine.getCommandName() + ": " + ex.getMessage());
            return 1;
        });
        return cli;
    }

    /** The version the build wrote into the jar's manifest (Implementation-Version), or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"mkv " + (v == null ? "dev" : v)};
        }
    }
}
