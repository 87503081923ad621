package mkv.domain;

/**
 * One volume's health as the checker tracks it: up or down, and the run of probes that
 * disagree with that. A single lost probe does not take a volume down, nor does a single
 * answer bring it back.
 */
public record VolumeHealth(boolean up, int streak) {

    public static VolumeHealth initially(boolean up) {
        return new VolumeHealth(up, 0);
    }

    /** Up, but the latest probe failed: reads should prefer other replicas until it answers again. */
    public boolean suspect() {
        return up && streak > 0;
    }

    /** Pure. The state after one probe: flips only after enough probes in a row disagree. */
    public VolumeHealth after(boolean probeOk, int failuresBeforeDown, int successesBeforeUp) {
        if (probeOk == up) return new VolumeHealth(up, 0);
        int run = streak + 1;
        int needed = up ? failuresBeforeDown : successesBeforeUp;
        return run >= needed ? new VolumeHealth(!up, 0) : new VolumeHealth(up, run);
    }
}
