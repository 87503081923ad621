package mkv.adapter.http;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The admin port's status page, {@code GET /}: one self-contained HTML page (no script, no
 * external asset) rendered from a {@link Model}; every text that comes from outside is escaped.
 */
public final class StatusPage {
    private StatusPage() {}

    /** Everything the page shows, gathered at one moment. */
    public record Model(Instant now, Duration uptime, List<VolumeRow> volumes, IndexPart index, List<RequestRow> requests,
                        Duration rateWindow, List<SettingRow> settings) {}

    /**
     * One volume: {@code state} is up, suspect (its latest probe failed), down, misconfigured (it
     * refuses mkv's signature), or removed (no longer in the ring, but the index still places
     * replicas on it: a rebalance moves them). Replicas and bytes are what the index places there,
     * from its counters.
     */
    public record VolumeRow(String volume, String state, Optional<Instant> failedAt, Optional<String> lastError, long replicas,
                            long bytes) {}

    /** Keys and bytes in one state, as counted. */
    public record StateRow(String state, long keys, long bytes) {}

    /**
     * The index: its files' size now, and the keys by state from the counters it keeps; {@code unreadable}
     * says why they could not be read (a damaged index), and then the states are empty.
     */
    public record IndexPart(String file, long fileBytes, List<StateRow> states, Optional<String> unreadable) {}

    /** Data-port requests of one method and status: since the start, and per second over the rate window. */
    public record RequestRow(String method, String status, long total, double perSecond) {}

    /** A setting in force; a secret shows only whether it is set. */
    public record SettingRow(String name, String value, String reload) {}

    public static String render(Model m) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mkv status</title>\n<style>")
                .append("body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n{text-align:right}")
                .append(".up{color:#070}.down{color:#b00;font-weight:bold}.suspect{color:#a60}.misconfigured{color:#b00;font-weight:bold}.note{color:#666}")
                .append("</style></head><body>\n<h1>mkv coordinator</h1>\n<p class=\"note\">")
                .append(esc(m.now().toString())).append(", up ").append(esc(duration(m.uptime()))).append("</p>\n");
        volumes(h, m);
        index(h, m.index());
        requests(h, m);
        settings(h, m);
        return h.append("</body></html>\n").toString();
    }

    private static void volumes(StringBuilder h, Model m) {
        long inRing = m.volumes().stream().filter(v -> !v.state().equals("removed")).count();
        long down = m.volumes().stream().filter(v -> v.state().equals("down") || v.state().equals("misconfigured")).count();
        h.append("<h2>Volumes</h2>\n<p>").append(inRing - down).append(" of ").append(inRing)
                .append(" up</p>\n<table id=\"volumes\"><tr><th>volume</th><th>state</th><th>replicas</th><th>stored</th>")
                .append("<th>last failed probe</th></tr>\n");
        for (VolumeRow v : m.volumes()) {
            h.append("<tr><td>").append(esc(v.volume())).append("</td><td class=\"").append(esc(v.state())).append("\">")
                    .append(esc(v.state().toUpperCase(java.util.Locale.ROOT))).append("</td><td class=\"n\">")
                    .append(String.format("%,d", v.replicas())).append("</td><td class=\"n\">").append(esc(bytes(v.bytes())))
                    .append("</td><td>")
                    .append(v.lastError().map(e -> esc(e) + v.failedAt().map(at -> " <span class=\"note\">(" + esc(ago(at, m.now())) + ")</span>")
                            .orElse("")).orElse("none")).append("</td></tr>\n");
        }
        h.append("</table>\n<p class=\"note\">Replicas and stored bytes are what the index places on each volume. A REMOVED volume "
                + "is no longer in the ring but still holds replicas until <code>mkv rebalance</code> moves them. Disk free and used "
                + "are not shown: the coordinator knows a volume only by its address and nginx does not report its disk; run "
                + "node_exporter on each volume host (<code>node_filesystem_avail_bytes</code>, see docs/OPERATIONS.md).</p>\n");
    }

    private static void index(StringBuilder h, IndexPart ix) {
        h.append("<h2>Index</h2>\n<p><code>").append(esc(ix.file())).append("</code>, ").append(esc(bytes(ix.fileBytes())))
                .append(" on disk (with its WAL)</p>\n");
        if (ix.unreadable().isPresent()) {
            h.append("<p id=\"counts\" class=\"down\">Cannot read the key counts: ").append(esc(ix.unreadable().get())).append("</p>\n");
            return;
        }
        long keys = ix.states().stream().mapToLong(StateRow::keys).sum();
        long stored = ix.states().stream().mapToLong(StateRow::bytes).sum();
        h.append("<table id=\"counts\"><tr><th>state</th><th>keys</th><th>bytes</th></tr>\n");
        for (StateRow s : ix.states()) {
            h.append("<tr><td>").append(esc(s.state())).append("</td><td class=\"n\">").append(String.format("%,d", s.keys()))
                    .append("</td><td class=\"n\">").append(esc(bytes(s.bytes()))).append("</td></tr>\n");
        }
        h.append("<tr><th>all</th><th class=\"n\">").append(String.format("%,d", keys)).append("</th><th class=\"n\">")
                .append(esc(bytes(stored))).append("</th></tr>\n</table>\n<p class=\"note\">Bytes count each value once, "
                + "not once per replica.</p>\n");
    }

    private static void requests(StringBuilder h, Model m) {
        double all = m.requests().stream().mapToDouble(RequestRow::perSecond).sum();
        double errors = m.requests().stream().filter(r -> r.status().startsWith("5")).mapToDouble(RequestRow::perSecond).sum();
        double refused = m.requests().stream().filter(r -> r.status().startsWith("4")).mapToDouble(RequestRow::perSecond).sum();
        h.append("<h2>Requests</h2>\n<p>Over the last ").append(esc(duration(m.rateWindow()))).append(": ")
                .append(String.format("%.2f", all)).append(" requests/s, <span id=\"errors\">")
                .append(String.format("%.2f", errors)).append(" errors/s (5xx)</span>, ")
                .append(String.format("%.2f", refused)).append(" refused/s (4xx).</p>\n");
        if (m.requests().isEmpty()) {
            h.append("<p class=\"note\">No request on the data port yet.</p>\n");
            return;
        }
        h.append("<table id=\"requests\"><tr><th>method</th><th>status</th><th>since start</th><th>per second</th></tr>\n");
        for (RequestRow r : m.requests()) {
            h.append("<tr><td>").append(esc(r.method())).append("</td><td>").append(esc(r.status())).append("</td><td class=\"n\">")
                    .append(String.format("%,d", r.total())).append("</td><td class=\"n\">").append(String.format("%.2f", r.perSecond()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void settings(StringBuilder h, Model m) {
        h.append("<h2>Settings in force</h2>\n<table id=\"settings\"><tr><th>setting</th><th>value</th><th>changes on</th></tr>\n");
        for (SettingRow s : m.settings()) {
            h.append("<tr><td>").append(esc(s.name())).append("</td><td>").append(esc(s.value())).append("</td><td>")
                    .append(esc(s.reload())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** HTML-escapes text for element content and quoted attributes. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String ago(Instant at, Instant now) {
        return duration(Duration.between(at, now).isNegative() ? Duration.ZERO : Duration.between(at, now)) + " ago";
    }

    private static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 60) return s + " s";
        if (s < 3600) return s / 60 + " min " + s % 60 + " s";
        if (s < 86400) return s / 3600 + " h " + s % 3600 / 60 + " min";
        return s / 86400 + " d " + s % 86400 / 3600 + " h";
    }

    private static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024L * 1024) return String.format("%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format("%.1f MiB", n / 1048576.0);
        return String.format("%.2f GiB", n / 1073741824.0);
    }
}
