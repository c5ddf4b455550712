package dev.capstan.localstack.kube;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * What a simulated pod's main container does while it runs, for pods that do more than wait out their run time (the
 * {@link SimulatedTrainer} replays a learning curve). A pod a program {@link #runs} ends when the program exits; its
 * {@value SimulatedKubelet#RUN_SECONDS} and {@value SimulatedKubelet#EXIT_CODE} annotations are not read.
 */
interface PodProgram {

    /** Whether {@code pod} runs this program (it carries the program's annotation). */
    boolean runs(Pod pod);

    /**
     * Starts the program of {@code pod}, which has just become Running. The program schedules its work on
     * {@code timers} (the kubelet's; no thread of its own, nothing that sleeps) and calls {@code exit} once, when its
     * container ends.
     */
    Execution start(Pod pod, ScheduledExecutorService timers, Consumer<ContainerExit> exit);

    /** A started program. */
    interface Execution {

        /** Ends the program at once without an exit: its pod was deleted or ended otherwise. */
        void stop();
    }

    /**
     * How a container ended.
     *
     * @param code    the exit code; 0 is success
     * @param message what the program said about its end (the container's terminated message); null for nothing
     */
    record ContainerExit(int code, String message) {

        /** Kubernetes' reason for a container that exited so: Completed or Error. */
        String reason() {
            return code == 0 ? "Completed" : "Error";
        }
    }
}
