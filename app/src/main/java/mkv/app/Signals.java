package mkv.app;

/** SIGHUP for reloads, SIGTERM/SIGINT for a logged, clean stop: the JDK offers both only through sun.misc.Signal (module jdk.unsupported). */
final class Signals {
    private static final System.Logger LOG = System.getLogger(Signals.class.getName());

    private Signals() {}

    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> Thread.ofPlatform().name("mkv-reload").start(() -> {
                LOG.log(System.Logger.Level.INFO, "SIGHUP: reloading settings");
                action.run();
            }));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "SIGHUP is not available here; settings cannot be reloaded: " + e.getMessage());
        }
    }

    /**
     * SIGTERM and SIGINT run {@code stop} (the drain), log before and after, and exit 0, or 1 when
     * the drain threw. Without this the JVM exits 143 (130) after its shutdown hooks, which systemd
     * and other supervisors count as a failure, and the logging framework may already be shut down
     * when a hook runs, so the "stopped" line would be lost. The callers keep their shutdown hook
     * for every other way out (it must be idempotent).
     */
    static void onStop(String what, Runnable stop) {
        for (String name : java.util.List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> Thread.ofPlatform().name("mkv-stop").start(() -> {
                    LOG.log(System.Logger.Level.INFO, "SIG" + name + ": draining " + what + "...");
                    int status = 0;
                    try {
                        stop.run();
                        LOG.log(System.Logger.Level.INFO, what + " stopped");
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.ERROR, what + " did not stop cleanly: " + e);
                        status = 1;
                    }
                    System.exit(status);
                }));
            } catch (IllegalArgumentException e) {
                // e.g. SIGINT ignored by a shell that started us in the background: the shutdown hook still stops us
            }
        }
    }
}
