package mkv.domain.flow;

import io.vavr.control.Option;
import mkv.domain.Ring;

/**
 * The settings a use case reads per request; swapped whole on a reload, so a request sees
 * one consistent set.
 */
public record Policy(Ring ring, int replicas, boolean protect, int maxKeyBytes, int maxListLimit, Option<String> fallback) {
    public Policy {
        if (replicas < 1) throw new IllegalArgumentException("replicas must be at least 1");
        if (replicas > ring.volumes().size()) {
            throw new IllegalArgumentException("replicas (" + replicas + ") exceed the volumes (" + ring.volumes().size() + ")");
        }
    }
}
