package mkv.domain;

import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Option;

/**
 * Whether a coordinator can serve: the rule behind {@code /readyz}. Only what is this
 * coordinator's own counts: its index answers, and has met no damage since the start (damage is
 * not ready until a restart: only a rebuild repairs it). Volumes are left out on purpose (see
 * docs/OPERATIONS.md, "What /readyz does not say"): every coordinator shares them, so a failing
 * volume must not take the only one out of a load balancer.
 */
public final class Readiness {
    private Readiness() {}

    /**
     * What the index said when asked: {@code unavailable} when a lookup failed for another reason
     * than damage, {@code damaged} when damage was met at any time since the start.
     */
    public record IndexState(Option<String> unavailable, Option<String> damaged) {}

    /** Pure. The problems that make the coordinator not ready; none means ready. */
    public static Seq<String> problems(IndexState index) {
        List<String> problems = List.empty();
        if (index.unavailable().isDefined()) problems = problems.append("index: " + index.unavailable().get());
        if (index.damaged().isDefined()) {
            problems = problems.append("index: damaged, rebuild it with 'mkv rebuild' (" + index.damaged().get() + ")");
        }
        return problems;
    }
}
