package mkv.domain.fake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until the test moves it. */
public final class SettableClock extends Clock {
    private Clock now;

    public SettableClock(Instant start) {
        now = Clock.fixed(start, ZoneOffset.UTC);
    }

    public synchronized void advance(Duration d) {
        now = Clock.offset(now, d);
    }

    @Override
    public synchronized Instant instant() {
        return now.instant();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("tests run in UTC");
    }
}
