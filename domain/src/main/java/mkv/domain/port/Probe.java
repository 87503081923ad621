package mkv.domain.port;

import mkv.domain.Transfer;
import mkv.domain.Volume;

/** Whether a volume answers at all: for the health checker, and for a rebalance before it starts. */
public interface Probe {
    /** Done when the volume serves mkv's requests; never throws for a volume's failure. */
    Transfer ping(Volume volume);
}
