package dev.capstan.registry.domain;

import dev.capstan.registry.domain.FilterTokens.Kind;
import dev.capstan.registry.domain.FilterTokens.Token;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses the subset of MLflow's search-filter grammar that the registry can answer: conditions joined by
 * {@code AND}, each one of
 * <ul>
 * <li>{@code name = 'x'}, {@code name LIKE 'x%'}, {@code name ILIKE '%x%'}</li>
 * <li>{@code tags.key = 'v'} ({@code tag.} too; a key with spaces or dots in backquotes or double quotes:
 * {@code tags.`my key` = 'v'})</li>
 * <li>{@code run_id = '…'} and {@code source_path = '…'}, for model versions only</li>
 * </ul>
 * Values are quoted with {@code '} or {@code "}; a doubled quote inside stands for one. Keywords ignore case. Anything
 * else ({@code OR}, {@code !=}, {@code IN}, parentheses, other keys) is refused with a message naming what is not
 * supported, rather than half-answered. The same subset serves the tracking API's experiment search (name and tags);
 * its run search has a larger grammar of its own ({@link TrackingSearch}), and both read quoting alike
 * ({@link FilterTokens}).
 */
public final class MlflowFilter {

    /** What is searched: decides which keys a filter may name. */
    public enum Target {
        MODELS("registered models", "name, tags.<key>"),
        VERSIONS("model versions", "name, tags.<key>, run_id, source_path"),
        /** MLflow tracking experiments: the name and the experiment's tags. */
        EXPERIMENTS("experiments", "name, tags.<key>");

        private final String what;
        private final String keys;

        Target(String what, String keys) {
            this.what = what;
            this.keys = keys;
        }
    }

    /**
     * The conditions a filter named; every one may be null (tags empty), and they all must hold.
     *
     * @param name        exact model name
     * @param namePattern SQL LIKE pattern on the model name
     * @param ignoreCase  whether {@code namePattern} came from ILIKE
     * @param tags        tags (of the model, or of the version in a version search) that must have these values
     * @param runId       run that produced the version
     * @param sourcePath  the version's source (artifact URI)
     */
    public record Criteria(String name, String namePattern, boolean ignoreCase, Map<String, String> tags,
            String runId, String sourcePath) {

        public Criteria {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** A filter this parser does not accept; the message says what and why. */
    public static final class Unsupported extends RuntimeException {
        public Unsupported(String message) {
            super(message);
        }
    }

    private static final int MAX_LENGTH = 10_000;

    private MlflowFilter() {
    }

    /** The criteria of {@code filter}; a null or blank filter matches everything. */
    public static Criteria parse(String filter, Target target) {
        if (filter == null || filter.isBlank()) {
            return new Criteria(null, null, false, Map.of(), null, null);
        }
        if (filter.length() > MAX_LENGTH) {
            throw new Unsupported("filter is longer than " + MAX_LENGTH + " characters");
        }
        return new Parser(FilterTokens.of(filter), target).criteria();
    }

    // ---------------------------------------------------------------- grammar

    private static final class Parser {
        private final List<Token> tokens;
        private final Target target;
        private int at;
        private String name;
        private String pattern;
        private boolean ignoreCase;
        private final Map<String, String> tags = new LinkedHashMap<>();
        private String runId;
        private String sourcePath;

        Parser(List<Token> tokens, Target target) {
            this.tokens = tokens;
            this.target = target;
        }

        Criteria criteria() {
            condition();
            while (at < tokens.size()) {
                Token t = tokens.get(at++);
                if (t.kind() == Kind.WORD && t.text().equalsIgnoreCase("and")) {
                    condition();
                } else if (t.kind() == Kind.WORD && t.text().equalsIgnoreCase("or")) {
                    throw new Unsupported("OR is not supported: conditions combine with AND only");
                } else {
                    throw new Unsupported("expected AND between conditions, found '" + t.text() + "'");
                }
            }
            return new Criteria(name, pattern, ignoreCase, tags, runId, sourcePath);
        }

        private void condition() {
            Token first = next("a condition such as name = 'my-model'");
            if (first.kind() == Kind.OTHER && first.text().equals("(")) {
                throw new Unsupported("parentheses are not supported: conditions combine with AND only");
            }
            if (first.kind() != Kind.WORD) {
                throw new Unsupported("expected a key (" + target.keys + "), found '" + first.text() + "'");
            }
            String key = first.text();
            String tag = null;
            String lower = key.toLowerCase(Locale.ROOT);
            if (lower.startsWith("tags.") || lower.startsWith("tag.")) {
                tag = key.substring(key.indexOf('.') + 1);
                if (tag.isEmpty() && at < tokens.size() && tokens.get(at).kind() == Kind.QUOTED_KEY) {
                    tag = tokens.get(at++).text();
                }
                if (tag.isEmpty()) {
                    throw new Unsupported("'" + key + "' names no tag key: write tags.<key> or tags.`my key`");
                }
            } else if (!lower.equals("name") && !(target == Target.VERSIONS
                    && (lower.equals("run_id") || lower.equals("source_path")))) {
                throw new Unsupported("filter key '" + key + "' is not supported when searching " + target.what
                        + "; supported keys: " + target.keys);
            }
            String comparator = comparator(key);
            Token value = next("a quoted value after " + key + " " + comparator);
            if (value.kind() != Kind.STRING) {
                throw new Unsupported("the value compared with " + key + " must be quoted, as in " + key + " "
                        + comparator + " 'value', not " + value.text());
            }
            store(tag != null ? "tags." + tag : lower, tag, comparator, value.text());
        }

        private String comparator(String key) {
            Token op = next("a comparator after " + key);
            String c = op.kind() == Kind.WORD ? op.text().toUpperCase(Locale.ROOT) : op.text();
            if (c.equals("NOT") || c.equals("IN") || c.equals("IS")) {
                throw new Unsupported("'" + c + "' is not supported; use =, LIKE or ILIKE");
            }
            if (!(c.equals("=") || c.equals("LIKE") || c.equals("ILIKE"))) {
                throw new Unsupported("comparator '" + op.text() + "' is not supported; use =, LIKE or ILIKE");
            }
            return c;
        }

        private void store(String field, String tag, String comparator, String value) {
            if (tag != null) {
                if (!comparator.equals("=")) {
                    throw new Unsupported(comparator + " is not supported on tags; compare tags with =");
                }
                if (tags.containsKey(tag)) {
                    throw new Unsupported("tag '" + tag + "' is compared twice");
                }
                tags.put(tag, value);
                return;
            }
            switch (field) {
                case "name" -> {
                    if (comparator.equals("=")) {
                        name = once(field, name, value);
                    } else {
                        pattern = once("name " + comparator, pattern, value);
                        ignoreCase = comparator.equals("ILIKE");
                    }
                }
                case "run_id" -> runId = once(field, runId, equalsOnly(field, comparator, value));
                case "source_path" -> sourcePath = once(field, sourcePath, equalsOnly(field, comparator, value));
                default -> throw new IllegalStateException(field);
            }
        }

        private static String equalsOnly(String field, String comparator, String value) {
            if (!comparator.equals("=")) {
                throw new Unsupported(comparator + " is not supported on " + field + "; compare it with =");
            }
            return value;
        }

        private static String once(String what, String previous, String value) {
            if (previous != null) {
                throw new Unsupported(what + " may appear once in a filter");
            }
            return value;
        }

        private Token next(String expected) {
            if (at >= tokens.size()) {
                throw new Unsupported("filter ends where " + expected + " was expected");
            }
            return tokens.get(at++);
        }
    }
}
