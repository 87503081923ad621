package mkv.app;

import io.vavr.collection.Seq;
import io.vavr.control.Option;
import java.nio.file.Path;
import java.time.Duration;
import mkv.adapter.nginx.VolumeList;

/**
 * Everything a coordinator needs to run, typed. Each component is declared once in
 * {@link SettingsTable}, and {@link SettingsLoader} builds the record only from values that
 * passed every check there, so a {@code Settings} in hand is a usable one.
 */
public record Settings(
        VolumeList volumes,
        IndexLocation db,
        String host,
        int port,
        int adminPort,
        String adminHost,
        Option<Path> secretFile,
        Duration urlTtl,
        Option<Path> tokensFile,
        boolean adminAuth,
        boolean insecure,
        int replicas,
        int subvolumes,
        int vnodes,
        Duration connectTimeout,
        Duration readTimeout,
        Duration healthInterval,
        Duration healthTimeout,
        int healthFailures,
        int healthSuccesses,
        boolean protect,
        Option<String> fallback,
        int maxKeyBytes,
        int maxListLimit,
        double listRate,
        double listBurst,
        boolean accessLog,
        Option<Path> accessLogFile,
        String logFormat,
        boolean syncFull,
        boolean indexCheck,
        Duration recoveryGrace,
        Duration retireGrace,
        Duration shutdownGrace,
        int bodyMinRate,
        Duration bodyRateWindow,
        Option<Path> tlsCert,
        Option<Path> tlsKey,
        Option<Path> tlsCa) {

    /** What a reload may not change in a running coordinator: each differing setting, named. */
    public Seq<String> needsRestart(Settings next) {
        return SettingsTable.ALL.filter(s -> s.reload() == Setting.Reload.RESTART && s.differs(this, next)).map(Setting::name);
    }
}
