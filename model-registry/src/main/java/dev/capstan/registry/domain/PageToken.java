package dev.capstan.registry.domain;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The page tokens of the MLflow-compatible searches: an opaque string (URL-safe base64) that carries the offset of
 * the next page. Decoding refuses anything this class did not write, so a garbled or hand-made token is an error
 * rather than a silent restart from the first page.
 */
public final class PageToken {

    private static final String PREFIX = "capstan-offset:";
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");

    private PageToken() {
    }

    /** The token that resumes a search at {@code offset}. */
    public static String encode(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more, not " + offset);
        }
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + offset).getBytes(StandardCharsets.US_ASCII));
    }

    /** The offset a token resumes at; 0 for a null or empty token (the first page). */
    public static long decode(String token) {
        if (token == null || token.isEmpty()) {
            return 0;
        }
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("page_token is not a token this server issued (not base64)");
        }
        if (!text.startsWith(PREFIX) || !DIGITS.matcher(text.substring(PREFIX.length())).matches()) {
            throw new IllegalArgumentException("page_token is not a token this server issued");
        }
        return Long.parseLong(text.substring(PREFIX.length()));
    }
}
