package mkv.adapter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vavr.control.Option;
import java.nio.charset.StandardCharsets;
import mkv.domain.Volume;
import mkv.domain.VolumeFailure;
import org.junit.jupiter.api.Test;

/** The volume-call series keep the outcome labels operators' alerts and dashboards read. */
class TelemetryTest {

    @Test
    void a_volume_call_is_counted_as_ok_or_under_its_failures_name() {
        Telemetry telemetry = new Telemetry("test");
        Volume v = new Volume("127.0.0.1", 9001);
        telemetry.volumeCall(v, "write", Option.none(), 1_000_000);
        telemetry.volumeCall(v, "write", Option.some(new VolumeFailure.Refused(507)), 1_000_000);
        telemetry.volumeCall(v, "stat", Option.some(new VolumeFailure.Unreachable("down")), 1_000_000);
        telemetry.volumeCall(v, "copy", Option.some(new VolumeFailure.Mismatch("md5")), 1_000_000);
        telemetry.volumeCall(v, "delete", Option.some(new VolumeFailure.TimedOut("slow")), 1_000_000);
        telemetry.volumeCall(v, "delete", Option.some(new VolumeFailure.Lost("reset")), 1_000_000);
        telemetry.volumeCall(v, "write", Option.some(new VolumeFailure.ShortWrite(10, 5)), 1_000_000);

        String scrape = new String(telemetry.scrape(), StandardCharsets.UTF_8);

        for (String series : new String[] {"operation=\"write\",outcome=\"ok\"", "operation=\"write\",outcome=\"refused_507\"",
                "operation=\"stat\",outcome=\"unreachable\"", "operation=\"copy\",outcome=\"mismatch\"", "operation=\"delete\",outcome=\"timed_out\"",
                "operation=\"delete\",outcome=\"lost\"", "operation=\"write\",outcome=\"short_write\""}) {
            assertThat(scrape).contains("mkv_volume_request_duration_seconds_count{" + series + ",volume=\"" + v + "\"} 1");
        }
    }
}
