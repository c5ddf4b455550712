package dev.capstan.executor.domain;

/**
 * What the API says about one pod of a gang, reduced to what gang state needs.
 *
 * @param phase     Pending, Running, Succeeded, Failed, Unknown (null = not yet reported)
 * @param reason    the pod-level reason (e.g. {@code OutOfnvidia.com/gpu}, {@code Evicted}), or null
 * @param message   the pod-level message, or null
 * @param container the first container that failed or cannot start, or null
 * @param outcome   the outcome label written after reporting ({@code succeeded}/{@code failed}), or null
 * @param ready     the pod's Ready condition (null = not reported): a serving replica runs once it is ready
 */
public record PodObservation(String pod, int rank, String phase, String reason, String message,
        ContainerProblem container, String outcome, Boolean ready) {

    /** A pod whose readiness is not known (no Ready condition reported). */
    public PodObservation(String pod, int rank, String phase, String reason, String message,
            ContainerProblem container, String outcome) {
        this(pod, rank, phase, reason, message, container, outcome, null);
    }

    /**
     * A container that terminated with an error, or that waits for a reason a retry cannot fix.
     *
     * @param exitCode the exit code when terminated, else null
     * @param reason   {@code Error}, {@code OOMKilled}, {@code ErrImagePull}, …
     */
    public record ContainerProblem(String container, Integer exitCode, String reason, String message,
            boolean waiting) {
    }

    public boolean succeeded() {
        return "Succeeded".equals(phase);
    }

    public boolean running() {
        return "Running".equals(phase);
    }

    /** Running and not reported unready: its readiness probe (if any) passed. */
    public boolean serving() {
        return running() && !Boolean.FALSE.equals(ready);
    }
}
