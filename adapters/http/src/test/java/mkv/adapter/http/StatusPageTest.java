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

    private static StatusPage.Model model(String error, Optional<String> unreadable, List<StatusPage.RequestRow> requests) {
        return new StatusPage.Model(NOW, Duration.ofMinutes(5),
                List.of(new StatusPage.VolumeRow("h1:3001", "up", Optional.empty(), Optional.empty(), 2_000_000, 3L << 30),
                        new StatusPage.VolumeRow("h2:3001", "down", Optional.of(NOW.minusSeconds(3)), Optional.of(error), 1_999, 1024),
                        new StatusPage.VolumeRow("h0:3001", "removed", Optional.empty(), Optional.empty(), 12, 12)),
                new StatusPage.IndexPart("/var/lib/mkv/<index>.db", 4096, unreadable.isPresent() ? List.of()
                        : List.of(new StatusPage.StateRow("live", 1_234_567, 10 * 1024 * 1024)), unreadable),
                requests, Duration.ofSeconds(60), List.of(new StatusPage.SettingRow("fallback", "a&b\"c", "reload")));
    }

    @Test
    void text_from_volumes_files_and_settings_is_escaped() {
        String html = StatusPage.render(model("answered <script>alert('x')</script>", Optional.empty(), List.of()));
        assertThat(html).doesNotContain("<script").contains("answered &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(html).contains("/var/lib/mkv/&lt;index&gt;.db").contains("<td>a&amp;b&quot;c</td>");
    }

    @Test
    void counts_rates_and_down_volumes_read_as_a_person_reads_them() {
        String html = StatusPage.render(model("unreachable", Optional.empty(), List.of(
                new StatusPage.RequestRow("GET", "302", 1000, 10.0), new StatusPage.RequestRow("PUT", "503", 5, 0.5))));
        assertThat(html).contains("1 of 2 up").contains("<td class=\"down\">DOWN</td><td class=\"n\">1,999</td><td class=\"n\">1.0 KiB</td><td>unreachable <span class=\"note\">(3 s ago)</span>");
        assertThat(html).contains("1,234,567").contains("10.0 MiB");
        assertThat(html).contains("<td>h1:3001</td><td class=\"up\">UP</td><td class=\"n\">2,000,000</td><td class=\"n\">3.00 GiB</td>")
                .contains("<td>h0:3001</td><td class=\"removed\">REMOVED</td><td class=\"n\">12</td>");
        assertThat(html).as("removed volumes are not counted as down").contains("1 of 2 up");
        assertThat(html).contains("node_exporter");
        assertThat(html).contains("10.50 requests/s").contains("0.50 errors/s (5xx)");
    }

    @Test
    void an_index_whose_counts_cannot_be_read_says_why_rather_than_showing_zero() {
        String html = StatusPage.render(model("x", Optional.of("the index is damaged: <page 7>"), List.of()));
        assertThat(html).contains("Cannot read the key counts: the index is damaged: &lt;page 7&gt;").doesNotContain("<table id=\"counts\">");
        assertThat(html).contains("No request on the data port yet");
    }
}
