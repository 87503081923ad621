package mkv.adapter.nginx;

import io.vavr.control.Option;
import mkv.domain.Volume;
import mkv.domain.VolumeFailure;

/**
 * What the nginx adapter reports of its calls to volumes, for metrics: declared here and
 * implemented in the wiring over the metrics adapter, so that no adapter imports another.
 */
public interface VolumeMetrics {

    /** Reports nothing: until the wiring sets an observer, and for the admin tools. */
    VolumeMetrics NONE = new VolumeMetrics() {
        @Override
        public void call(Volume volume, String operation, Option<VolumeFailure> failure, long nanos) {}

        @Override
        public void bytesIn(long bytes) {}
    };

    /** One call to a volume: its operation ({@code write}, {@code stat}, ...), its failure if it failed, and how long it took. */
    void call(Volume volume, String operation, Option<VolumeFailure> failure, long nanos);

    /** Bytes of a written body taken in. */
    void bytesIn(long bytes);
}
