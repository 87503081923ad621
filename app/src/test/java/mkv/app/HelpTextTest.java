package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's --help reads well in an 80-column terminal: lines fit, no word is cut, every summary is a whole sentence. */
class HelpTextTest {

    static Map<String, String> helpAt(int width) {
        CommandLine mkv = Main.commandLine();
        mkv.setUsageHelpWidth(width);
        Map<String, String> help = new java.util.LinkedHashMap<>();
        help.put("mkv", mkv.getUsageMessage(CommandLine.Help.Ansi.OFF));
        mkv.getSubcommands().forEach((name, sub) -> help.put("mkv " + name, sub.getUsageMessage(CommandLine.Help.Ansi.OFF)));
        return help;
    }

    static List<String> words(String text) {
        return Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    @Test
    void every_line_fits_80_columns() {
        helpAt(80).forEach((command, help) -> help.lines().forEach(line ->
                assertThat(line.length()).as("%s --help: %s", command, line).isLessThanOrEqualTo(80)));
    }

    @Test
    void wrapping_at_80_columns_only_breaks_between_words() {
        Map<String, String> narrow = helpAt(80);
        Map<String, String> wide = helpAt(1000);
        assertThat(narrow.keySet()).hasSizeGreaterThan(7);
        narrow.forEach((command, help) -> {
            List<String> cut = new ArrayList<>(words(help));
            cut.removeAll(words(wide.get(command)));
            assertThat(cut).as("%s --help at 80 columns has words the unwrapped text has not (a word was cut):%n%s", command, help)
                    .isEmpty();
            assertThat(words(help)).as(command).isEqualTo(words(wide.get(command)));
        });
    }

    @Test
    void every_command_summary_is_one_whole_sentence() {
        CommandLine mkv = Main.commandLine();
        mkv.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return;
            String summary = sub.getCommandSpec().usageMessage().description()[0];
            assertThat(summary).as("mkv %s's summary", name).endsWith(".").doesNotContain("\n");
            assertThat(summary.length()).as("mkv %s's summary fits the command list", name).isLessThanOrEqualTo(80 - 13);
        });
    }

    @Test
    void dev_names_the_defaults_it_computes_itself() {
        String dev = helpAt(1000).get("mkv dev");
        assertThat(dev).contains("Default in dev: DATA/index.db").doesNotContain("Default: mkv.db");
        assertThat(dev).contains("Default in dev: 127.0.0.1");
        assertThat(helpAt(1000).get("mkv server")).contains("Default: mkv.db");
    }
}
