package dev.capstan.executor.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic Kubernetes names and label values. The same admission always yields the same names,
 * which is what makes pod creation idempotent under redelivery.
 */
public final class Names {

    /** Longest DNS label (pod hostname, service name, label value). */
    public static final int MAX_LABEL = 63;

    private Names() {
    }

    /**
     * A DNS-1123 label from any text: lower case, runs of other characters become '-', trimmed, and
     * when longer than {@code max} shortened with a hash suffix so distinct inputs stay distinct.
     */
    public static String dnsLabel(String text, int max) {
        String original = text == null ? "" : text;
        String s = original.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-")
                .replaceAll("^-+", "").replaceAll("-+$", "");
        if (s.equals(original) && !s.isEmpty() && s.length() <= max) {
            return s;
        }
        // Changed or too long: a hash of the original keeps two different ids from colliding.
        String h = hash(original);
        int keep = max - h.length() - 1;
        s = s.length() > keep ? s.substring(0, keep).replaceAll("-+$", "") : s;
        return s.isEmpty() ? "x" + h : s + "-" + h;
    }

    /** The label value that stands for a workload id on every pod and service of the workload. */
    public static String workloadLabel(String workloadId) {
        return dnsLabel(workloadId, MAX_LABEL);
    }

    /**
     * The headless service of one admission: {@code <workload>-a<attempt>}, starting with a letter
     * (DNS-1035) and at most 63 characters.
     */
    public static String serviceName(String workloadId, int attempt) {
        String suffix = "-a" + attempt;
        String base = dnsLabel(workloadId, MAX_LABEL - suffix.length() - 2);
        if (!Character.isLetter(base.charAt(0))) {
            base = "w-" + base;
        }
        return base + suffix;
    }

    /**
     * The Kubernetes Service of an inference service: its name when that is a valid DNS-1035 label (the API refuses
     * an inference service name that is not one), else a label derived from it.
     */
    public static String serviceOf(String inferenceService) {
        String base = dnsLabel(inferenceService, MAX_LABEL);
        return Character.isLetter(base.charAt(0)) ? base : dnsLabel("s-" + base, MAX_LABEL);
    }

    /**
     * The pod name: the scheduler's deterministic name when it is a valid DNS label, else one derived
     * from workload, attempt, role and rank. A label (not a longer subdomain) because it is also the
     * pod's hostname in the headless service.
     */
    public static String podName(String assigned, String workloadId, int attempt, String role, int rank) {
        String raw = assigned == null || assigned.isBlank()
                ? workloadId + "-a" + attempt + "-" + role + "-" + rank
                : assigned;
        return dnsLabel(raw, MAX_LABEL);
    }

    private static String hash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
