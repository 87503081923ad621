package mkv.adapter.health;

import java.time.Duration;

/** Runs a task every interval on a daemon thread of its own, until closed; close wakes it at once. */
public final class Periodic implements AutoCloseable {
    private final Object wakeup = new Object();
    private volatile boolean running = true;
    private final Thread thread;

    private Periodic(String name, Duration interval, Runnable task) {
        thread = Thread.ofPlatform().daemon().name(name).start(() -> {
            while (running) {
                synchronized (wakeup) {
                    try {
                        if (running) wakeup.wait(interval.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (running) task.run();
            }
        });
    }

    /** Starts running {@code task} every {@code interval}, the first time one interval from now. */
    public static Periodic every(Duration interval, String name, Runnable task) {
        return new Periodic(name, interval, task);
    }

    public boolean running() {
        return running;
    }

    /** Stops: a run in progress finishes (waited for up to 10 s), no new run starts. */
    @Override
    public void close() {
        running = false;
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
