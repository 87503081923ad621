package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Every command answers --version with mkv's version (the manifest's in a build, "dev" from classes), never an empty line. */
class VersionTest {

    @Test
    void every_subcommand_prints_the_same_version_line_as_mkv_itself() {
        String root = version();
        assertThat(root).matches("mkv \\S+");
        for (String command : Main.commandLine().getSubcommands().keySet()) {
            if (command.equals("help")) continue; // picocli's help command has no --version
            assertThat(version(command)).as(command + " --version").isEqualTo(root);
        }
    }

    private static String version(String... command) {
        var cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(command), java.util.stream.Stream.of("--version"))
                .toArray(String[]::new);
        assertThat(cli.execute(args)).isZero();
        return out.toString().strip();
    }
}
