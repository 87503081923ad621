package mkv.adapter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status page's HTML: text from outside is escaped, and what is not known yet says so. */
class StatusPageTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private static StatusPage.Model model(String error, Optional<Instant> countedAt, List<StatusPage.RequestRow> requests) {
        return new StatusPage.Model(NOW, Duration.ofMinutes(5),
                List.of(new StatusPage.VolumeRow("h1:3001", "up", Optional.empty(), Optional.empty()),
                        new StatusPage.VolumeRow("h2:3001", "down", Optional.of(NOW.minusSeconds(3)), Optional.of(error))),
                new StatusPage.IndexPart("/var/lib/mkv/<index>.db", 4096, countedAt,
                        List.of(new StatusPage.StateRow("live", 1_234_567, 10 * 1024 * 1024)), Duration.ofSeconds(30)),
                requests, Duration.ofSeconds(60), List.of(new StatusPage.SettingRow("fallback", "a&b\"c", "reload")));
    }

    @Test
    void text_from_volumes_files_and_settings_is_escaped() {
        String html = StatusPage.render(model("answered <script>alert('x')</script>", Optional.of(NOW), List.of()));
        assertThat(html).doesNotContain("<script").contains("answered &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(html).contains("/var/lib/mkv/&lt;index&gt;.db").contains("<td>a&amp;b&quot;c</td>");
    }

    @Test
    void counts_rates_and_down_volumes_read_as_a_person_reads_them() {
        String html = StatusPage.render(model("unreachable", Optional.of(NOW.minusSeconds(12)), List.of(
                new StatusPage.RequestRow("GET", "302", 1000, 10.0), new StatusPage.RequestRow("PUT", "503", 5, 0.5))));
        assertThat(html).contains("1 of 2 up").contains("<td class=\"down\">DOWN</td><td>unreachable <span class=\"note\">(3 s ago)</span>");
        assertThat(html).contains("1,234,567").contains("10.0 MiB").contains("Counted 12 s ago");
        assertThat(html).contains("10.50 requests/s").contains("0.50 errors/s (5xx)");
    }

    @Test
    void before_the_first_count_the_page_says_it_is_counting_rather_than_showing_zero() {
        String html = StatusPage.render(model("x", Optional.empty(), List.of()));
        assertThat(html).contains("Counting keys in the background").doesNotContain("<table id=\"counts\">");
        assertThat(html).contains("No request on the data port yet");
    }
}
