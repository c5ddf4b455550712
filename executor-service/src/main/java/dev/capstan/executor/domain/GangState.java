package dev.capstan.executor.domain;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The state of one admission's gang from its pods: all created, all running, all succeeded, or
 * failed as soon as one pod fails (a gang cannot finish without every member).
 */
public final class GangState {

    /** Milestones in the order a gang passes them; FAILED and RELEASED are terminal alternatives. */
    public enum Stage {
        INCOMPLETE, CREATED, RUNNING, SUCCEEDED, FAILED, RELEASED;

        public boolean terminal() {
            return this == SUCCEEDED || this == FAILED || this == RELEASED;
        }
    }

    /** The verdict; {@code reason}/{@code retryable} only for FAILED. */
    public record Verdict(Stage stage, String reason, boolean retryable) {
        static Verdict of(Stage s) {
            return new Verdict(s, null, true);
        }
    }

    /** Container waiting reasons that mean the pod will never start, and a retry would not help. */
    static final Set<String> FATAL_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private GangState() {
    }

    /** Evaluates the gang of {@code gangSize} pods from the pods that exist now. */
    public static Verdict evaluate(int gangSize, Collection<PodObservation> pods) {
        List<PodObservation> byRank = pods.stream().sorted(Comparator.comparingInt(PodObservation::rank)).toList();
        for (PodObservation p : byRank) {
            if ("Failed".equals(p.phase()) || (p.container() != null && p.container().waiting()
                    && FATAL_WAITING.contains(p.container().reason()))) {
                return new Verdict(Stage.FAILED, describeFailure(p), retryable(p));
            }
        }
        if (byRank.size() < gangSize) {
            return Verdict.of(Stage.INCOMPLETE);
        }
        if (byRank.stream().allMatch(PodObservation::succeeded)) {
            return Verdict.of(Stage.SUCCEEDED);
        }
        if (byRank.stream().allMatch(p -> p.serving() || p.succeeded())) {
            return Verdict.of(Stage.RUNNING);
        }
        return Verdict.of(Stage.CREATED);
    }

    /** The most of a container's termination message a reason carries (Kubernetes allows 4,096 bytes). */
    static final int MAX_MESSAGE = 1024;

    /**
     * E.g. {@code pod wl-1-a1-worker-1: container main exited with code 1 (Error): training loss is NaN at epoch 3},
     * the part after the reason being the program's own words (its termination message) when it left some.
     */
    static String describeFailure(PodObservation p) {
        StringBuilder s = new StringBuilder("pod ").append(p.pod()).append(": ");
        PodObservation.ContainerProblem c = p.container();
        if (c != null && c.waiting()) {
            s.append("container ").append(c.container()).append(" cannot start (").append(c.reason()).append(')');
            if (c.message() != null && !c.message().isBlank()) {
                s.append(": ").append(c.message());
            }
        } else if (c != null && c.exitCode() != null) {
            s.append("container ").append(c.container()).append(" exited with code ").append(c.exitCode());
            if (c.reason() != null) {
                s.append(" (").append(c.reason()).append(')');
            }
            String said = c.message() == null ? "" : c.message().strip();
            if (!said.isEmpty()) {
                s.append(": ").append(said.length() <= MAX_MESSAGE ? said : said.substring(0, MAX_MESSAGE - 1) + "…");
            }
        } else if (p.reason() != null) {
            s.append(p.reason());
            if (p.message() != null && !p.message().isBlank()) {
                s.append(": ").append(p.message());
            }
        } else {
            s.append("failed");
        }
        return s.toString();
    }

    /**
     * Whether running the admission again can succeed. Not retryable: the image cannot be pulled or
     * the container cannot be created (configuration), the command is not executable or not found
     * (exit codes 126/127), or the container ran out of memory (the same request would again).
     * Everything else — an exit code from the program, eviction, node loss, a rejected admission on
     * the node — may be transient.
     */
    static boolean retryable(PodObservation p) {
        PodObservation.ContainerProblem c = p.container();
        if (c != null) {
            if (c.reason() != null && FATAL_WAITING.contains(c.reason())) {
                return false;
            }
            if ("OOMKilled".equals(c.reason()) || "ContainerCannotRun".equals(c.reason())) {
                return false;
            }
            if (c.exitCode() != null && (c.exitCode() == 126 || c.exitCode() == 127)) {
                return false;
            }
        }
        return p.reason() == null || !p.reason().toLowerCase(Locale.ROOT).contains("invalid");
    }
}
