package mkv.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import mkv.domain.Verification;
import org.junit.jupiter.api.Test;

/** The admin tools' output is for people: words for findings, separated thousands, and log lines that say when. */
class AdminOutputTest {

    @Test
    void every_kind_of_finding_has_its_own_words_and_no_class_name() {
        var singular = Arrays.stream(Verification.Kind.values()).map(k -> VerifyCommand.words(k, 1)).toList();
        var plural = Arrays.stream(Verification.Kind.values()).map(k -> VerifyCommand.words(k, 2)).toList();
        assertThat(singular).doesNotHaveDuplicates().allSatisfy(w -> assertThat(w).doesNotContainPattern("[a-z][A-Z]").isNotBlank());
        assertThat(plural).doesNotHaveDuplicates().allSatisfy(w -> assertThat(w).doesNotContainPattern("[a-z][A-Z]"));
        assertThat(VerifyCommand.words(Verification.Kind.MISSING_REPLICA, 3)).isEqualTo("missing replicas");
        assertThat(VerifyCommand.words(Verification.Kind.ORPHAN, 1)).isEqualTo("orphan");
    }

    @Test
    void the_rebuild_summary_names_its_damage_in_words_with_separated_thousands() {
        var report = new mkv.domain.flow.Rebuilder.Report(1_234_567,
                io.vavr.collection.TreeMap.of(mkv.domain.Rebuild.Kind.BLOB_WITHOUT_SIDECAR, 2_000L, mkv.domain.Rebuild.Kind.SUPERSEDED, 1L), 1_001);
        String line = RebuildCommand.summary(report, new IndexLocation.SqliteFile(java.nio.file.Path.of("new.db")), 3, 2.0);
        assertThat(line).isEqualTo("mkv rebuild: 1,234,567 entries written to new.db from 3 volumes in 2.0 s (617,284 keys/s); "
                + "damage: 2,000 blobs without a sidecar, 1 older generation left behind; errors 1,001");
        assertThat(Arrays.stream(mkv.domain.Rebuild.Kind.values()).flatMap(k -> java.util.stream.Stream.of(RebuildCommand.words(k, 1),
                RebuildCommand.words(k, 2))).toList()).doesNotHaveDuplicates().allSatisfy(w -> assertThat(w).doesNotContainPattern("[a-z][A-Z]"));
        assertThat(RebuildCommand.summary(new mkv.domain.flow.Rebuilder.Report(60, io.vavr.collection.TreeMap.empty(), 0),
                new IndexLocation.SqliteFile(java.nio.file.Path.of("i.db")), 1, 0.5)).contains("60 entries written").contains("from 1 volume in").contains("damage: none; errors 0");
    }

    @Test
    void counts_have_thousands_separators_whatever_the_locale() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            assertThat(ConsoleProgress.count(1_234_567)).isEqualTo("1,234,567");
            assertThat(ConsoleProgress.count(999)).isEqualTo("999");
            assertThat(ConsoleProgress.bytes(1536)).isEqualTo("1.5 KiB");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void a_progress_line_in_a_log_starts_with_its_utc_time() {
        assertThat(ConsoleProgress.stamped(Instant.parse("2026-11-30T13:20:05.789Z"), "verify: 10% ..."))
                .isEqualTo("2026-11-30T13:20:05Z verify: 10% ...");
    }

    @Test
    void the_bar_of_a_log_line_is_a_percentage_and_of_a_terminal_a_bar() {
        ConsoleProgress log = new ConsoleProgress(System.out, false, java.time.Duration.ofSeconds(5), p -> "");
        ConsoleProgress tty = new ConsoleProgress(System.out, true, java.time.Duration.ofSeconds(5), p -> "");
        assertThat(log.done(250, 1000)).isEqualTo("25% ");
        assertThat(tty.done(250, 1000)).isEqualTo("[#####...............] 25% ");
        assertThat(log.done(5, 0)).isEmpty();
    }
}
