package dev.capstan.localstack.infra;

import java.util.concurrent.TimeUnit;

/** Child processes the local stack starts (the Kafka broker, the services). */
public final class Processes {

    private Processes() {
    }

    /** Stops a child process: SIGTERM, then SIGKILL if it has not exited after 15 s. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
