package dev.capstan.registry.domain;

/**
 * Optimistic concurrency on an alias (RFC 9110 {@code If-Match} with strong entity tags). Each alias has a
 * revision that grows with every move; its entity tag is {@code "<revision>"}. A move that names the revision it
 * read wins only if nobody moved the alias since: of two racing moves, one wins and the other is refused.
 */
public final class AliasPrecondition {

    private AliasPrecondition() {
    }

    /** The entity tag of an alias at {@code revision}. */
    public static String etag(long revision) {
        return "\"" + revision + "\"";
    }

    /**
     * Whether a move with {@code ifMatch} may go ahead on an alias now at {@code currentRevision} (null when the
     * alias is unset). No header: yes. {@code *}: only if the alias exists. Otherwise one of the listed strong tags
     * must be the current one; weak tags ({@code W/"3"}) never match, as RFC 9110 says for If-Match.
     */
    public static boolean holds(String ifMatch, Long currentRevision) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return true;
        }
        if (ifMatch.trim().equals("*")) {
            return currentRevision != null;
        }
        if (currentRevision == null) {
            return false;
        }
        String want = etag(currentRevision);
        for (String tag : ifMatch.split(",")) {
            if (tag.trim().equals(want)) {
                return true;
            }
        }
        return false;
    }
}
