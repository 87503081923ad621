package mkv.app;

/** SIGHUP, for config reloads: the JDK offers it only through sun.misc.Signal (module jdk.unsupported). */
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
}
