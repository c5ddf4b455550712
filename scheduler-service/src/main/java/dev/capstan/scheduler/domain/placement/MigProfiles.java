package dev.capstan.scheduler.domain.placement;

/**
 * MIG profiles: names of the form {@code <slices>g.<memory>gb}, e.g. {@code 1g.10gb}, {@code 3g.40gb},
 * {@code 7g.80gb}. A MIG-capable GPU has {@value #SLICES_PER_GPU} compute slices; a profile takes its slice count.
 */
public final class MigProfiles {

    /** Compute slices of a MIG-capable GPU (A100/H100). */
    public static final int SLICES_PER_GPU = 7;

    private MigProfiles() {
    }

    /** Compute slices the profile takes; throws {@link IllegalArgumentException} for a malformed name. */
    public static int slices(String profile) {
        int g = profile.indexOf('g');
        if (g <= 0 || g + 1 >= profile.length() || profile.charAt(g + 1) != '.' || !profile.endsWith("gb")) {
            throw new IllegalArgumentException("malformed MIG profile '" + profile + "', expected e.g. 1g.10gb");
        }
        int n;
        try {
            n = Integer.parseInt(profile.substring(0, g));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed MIG profile '" + profile + "', expected e.g. 1g.10gb", e);
        }
        if (n < 1 || n > SLICES_PER_GPU || n == 5 || n == 6) {
            throw new IllegalArgumentException("MIG profile '" + profile + "' has no valid slice count (1,2,3,4,7)");
        }
        return n;
    }
}
