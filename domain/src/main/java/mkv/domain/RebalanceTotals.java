package mkv.domain;

import io.vavr.collection.Map;
import io.vavr.collection.TreeMap;

/** What a set of rebalance plans adds up to: keys, copies and bytes, per volume. For {@code --dry-run}. */
public record RebalanceTotals(long keys, long copies, long bytes, long deletes,
                              Map<Volume, Long> copiesTo, Map<Volume, Long> bytesTo, Map<Volume, Long> deletesFrom) {

    public static RebalanceTotals empty() {
        return new RebalanceTotals(0, 0, 0, 0, TreeMap.empty(), TreeMap.empty(), TreeMap.empty());
    }

    /** Pure. These totals with one more plan counted. */
    public RebalanceTotals plus(RebalancePlan plan) {
        if (plan.unchanged()) return this;
        long size = plan.entry().size();
        Map<Volume, Long> in = copiesTo, inBytes = bytesTo, out = deletesFrom;
        for (Replica r : plan.copyTo()) {
            in = in.put(r.volume(), 1L, Long::sum);
            inBytes = inBytes.put(r.volume(), size, Long::sum);
        }
        for (Replica r : plan.deleteFrom()) out = out.put(r.volume(), 1L, Long::sum);
        return new RebalanceTotals(keys + 1, copies + plan.copyTo().size(), bytes + size * plan.copyTo().size(),
                deletes + plan.deleteFrom().size(), in, inBytes, out);
    }
}
