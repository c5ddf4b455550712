package dev.capstan.registry.domain;

import dev.capstan.registry.domain.FilterTokens.Kind;
import dev.capstan.registry.domain.FilterTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the part of MLflow's run-search grammar that the tracking API answers, and the order-by terms of its run and
 * experiment searches. A filter is conditions joined by {@code AND}:
 * <ul>
 * <li>{@code metrics.<key> <op> <number>}, op one of {@code = != < <= > >=}, on the run's latest value of the
 * metric</li>
 * <li>{@code params.<key> <op> '<text>'} and {@code tags.<key> <op> '<text>'}, op one of
 * {@code = != LIKE ILIKE}</li>
 * <li>{@code attributes.<name>} (or the bare name): {@code run_id}, {@code run_name}, {@code status},
 * {@code user_id} compared as text ({@code = != LIKE ILIKE}, or {@code IN ('a', 'b')}); {@code start_time} and
 * {@code end_time} compared as numbers (epoch milliseconds)</li>
 * </ul>
 * MLflow's prefixes are accepted in all their spellings ({@code metric.}, {@code param.}, {@code parameter.},
 * {@code tag.}, {@code attribute.}, {@code attr.}, {@code run.}); a key with characters other than letters, digits,
 * {@code _} and {@code .} is quoted: {@code metrics.`train/loss`}. Anything else ({@code OR}, parentheses,
 * {@code NOT IN}, {@code IS NULL}, other attributes, datasets) is refused with a message saying what is not
 * supported, never answered with a wider result.
 */
public final class TrackingSearch {

    /** What a condition or an order term is about. */
    public enum Entity { METRIC, PARAM, TAG, ATTRIBUTE }

    /** A comparison a condition makes. */
    public enum Comparator {
        EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), LIKE("LIKE"), ILIKE("ILIKE"), IN("IN");

        private final String symbol;

        Comparator(String symbol) {
            this.symbol = symbol;
        }

        /** How the filter writes it. */
        public String symbol() {
            return symbol;
        }
    }

    /** What a condition compares with. */
    public sealed interface Value {
        /** A quoted text. */
        record Text(String text) implements Value {
        }

        /** A number: a metric's value, or epoch milliseconds. */
        record Number(double number) implements Value {
        }

        /** The list of an {@code IN}. */
        record Texts(List<String> texts) implements Value {
            public Texts {
                texts = List.copyOf(texts);
            }
        }
    }

    /** One condition; for an attribute {@code key} is its canonical name ({@code run_name}, {@code start_time}). */
    public record Condition(Entity entity, String key, Comparator comparator, Value value) {
    }

    /** One order-by term. */
    public record OrderTerm(Entity entity, String key, boolean ascending) {
    }

    /** Run attributes a filter may compare: {@code true} for the numeric ones. */
    public static final Map<String, Boolean> RUN_ATTRIBUTES = Map.of("run_id", false, "run_name", false, "status",
            false, "user_id", false, "start_time", true, "end_time", true);
    /** Run attributes a run search may order by. */
    public static final Set<String> RUN_ORDER_ATTRIBUTES = Set.of("start_time", "end_time", "run_name", "status",
            "user_id", "run_id");
    /** Experiment attributes an experiment search may order by. */
    public static final Set<String> EXPERIMENT_ORDER_ATTRIBUTES = Set.of("name", "experiment_id", "creation_time",
            "last_update_time");
    /** MLflow's default experiment order. */
    public static final List<OrderTerm> EXPERIMENT_DEFAULT_ORDER = List.of(
            new OrderTerm(Entity.ATTRIBUTE, "creation_time", false),
            new OrderTerm(Entity.ATTRIBUTE, "experiment_id", true));

    static final int MAX_FILTER_LENGTH = 10_000;
    static final int MAX_ORDER_TERMS = 10;

    private static final Map<String, Entity> PREFIXES = Map.ofEntries(Map.entry("metric", Entity.METRIC),
            Map.entry("metrics", Entity.METRIC), Map.entry("param", Entity.PARAM), Map.entry("params", Entity.PARAM),
            Map.entry("parameter", Entity.PARAM), Map.entry("parameters", Entity.PARAM), Map.entry("tag", Entity.TAG),
            Map.entry("tags", Entity.TAG), Map.entry("attribute", Entity.ATTRIBUTE),
            Map.entry("attributes", Entity.ATTRIBUTE), Map.entry("attr", Entity.ATTRIBUTE),
            Map.entry("run", Entity.ATTRIBUTE));

    private TrackingSearch() {
    }

    /** The conditions of a run-search filter; none for a null or blank filter. */
    public static List<Condition> runFilter(String filter) {
        if (filter == null || filter.isBlank()) {
            return List.of();
        }
        if (filter.length() > MAX_FILTER_LENGTH) {
            throw new MlflowFilter.Unsupported("filter is longer than " + MAX_FILTER_LENGTH + " characters");
        }
        Cursor in = new Cursor(FilterTokens.of(filter));
        List<Condition> out = new ArrayList<>();
        out.add(condition(in));
        while (in.more()) {
            Token t = in.next("AND");
            if (isWord(t, "and")) {
                out.add(condition(in));
            } else if (isWord(t, "or")) {
                throw new MlflowFilter.Unsupported("OR is not supported: conditions combine with AND only");
            } else {
                throw new MlflowFilter.Unsupported("expected AND between conditions, found '" + t.text() + "'");
            }
        }
        return out;
    }

    /**
     * The order of a run search: {@code metrics.<key>}, {@code params.<key>}, {@code tags.<key>} or an attribute
     * ({@link #RUN_ORDER_ATTRIBUTES}), each with ASC (the default) or DESC. Empty when none is given: the search then
     * orders by start time, newest first, as MLflow does.
     */
    public static List<OrderTerm> runOrder(List<String> orderBy) {
        return order(orderBy, true, RUN_ORDER_ATTRIBUTES);
    }

    /**
     * The order of an experiment search: attributes only ({@link #EXPERIMENT_ORDER_ATTRIBUTES});
     * {@link #EXPERIMENT_DEFAULT_ORDER} when none is given.
     */
    public static List<OrderTerm> experimentOrder(List<String> orderBy) {
        List<OrderTerm> terms = order(orderBy, false, EXPERIMENT_ORDER_ATTRIBUTES);
        return terms.isEmpty() ? EXPERIMENT_DEFAULT_ORDER : terms;
    }

    // ---------------------------------------------------------------- conditions

    private static Condition condition(Cursor in) {
        Token first = in.next("a condition such as metrics.accuracy > 0.9");
        if (first.kind() == Kind.OTHER && first.text().equals("(")) {
            throw new MlflowFilter.Unsupported("parentheses are not supported: conditions combine with AND only");
        }
        Identifier id = identifier(first, in, RUN_ATTRIBUTES.keySet());
        Comparator op = comparator(in, id);
        Value value = value(in, id, op);
        return new Condition(id.entity(), id.key(), op, value);
    }

    private static Comparator comparator(Cursor in, Identifier id) {
        Token t = in.next("a comparator after " + id.written());
        String word = t.kind() == Kind.WORD ? t.text().toUpperCase(Locale.ROOT) : null;
        if ("NOT".equals(word) || "IS".equals(word)) {
            throw new MlflowFilter.Unsupported("'" + word + "' is not supported (no NOT IN, IS NULL)");
        }
        Comparator op = null;
        for (Comparator c : Comparator.values()) {
            if (c.symbol.equals(t.kind() == Kind.OPERATOR ? t.text() : word)) {
                op = c;
            }
        }
        if (op == null) {
            throw new MlflowFilter.Unsupported("expected a comparator after " + id.written() + ", found '" + t.text()
                    + "'" + (t.kind() == Kind.OPERATOR ? "" : "; quote a key with other characters, as in "
                    + "metrics.`train/loss`"));
        }
        boolean numeric = id.numeric();
        boolean allowed = switch (op) {
            case EQ, NE -> true;
            case LT, LE, GT, GE -> numeric;
            case LIKE, ILIKE -> !numeric;
            case IN -> id.entity() == Entity.ATTRIBUTE && !numeric;
        };
        if (!allowed) {
            throw new MlflowFilter.Unsupported("comparator " + op.symbol + " is not supported on " + id.written()
                    + "; use " + (numeric ? "=, !=, <, <=, > or >=" : id.entity() == Entity.ATTRIBUTE
                            ? "=, !=, LIKE, ILIKE or IN" : "=, !=, LIKE or ILIKE"));
        }
        return op;
    }

    private static Value value(Cursor in, Identifier id, Comparator op) {
        if (op == Comparator.IN) {
            return new Value.Texts(list(in, id));
        }
        Token t = in.next("a value after " + id.written() + " " + op.symbol);
        if (id.numeric()) {
            if (t.kind() != Kind.NUMBER) {
                throw new MlflowFilter.Unsupported(id.written() + " is compared with a number, as in " + id.written()
                        + " " + op.symbol + " 0.5, not " + quoted(t));
            }
            return new Value.Number(Double.parseDouble(t.text()));
        }
        if (t.kind() != Kind.STRING) {
            throw new MlflowFilter.Unsupported(id.written() + " is compared with a quoted text, as in " + id.written()
                    + " " + op.symbol + " 'value', not " + t.text());
        }
        return new Value.Text(t.text());
    }

    private static List<String> list(Cursor in, Identifier id) {
        Token open = in.next("( after IN");
        if (!(open.kind() == Kind.OTHER && open.text().equals("("))) {
            throw new MlflowFilter.Unsupported("IN takes a list in parentheses, as in " + id.written()
                    + " IN ('a', 'b')");
        }
        List<String> texts = new ArrayList<>();
        while (true) {
            Token t = in.next("a quoted text in the IN list");
            if (t.kind() != Kind.STRING) {
                throw new MlflowFilter.Unsupported("the IN list holds quoted texts, not " + t.text());
            }
            texts.add(t.text());
            Token sep = in.next(", or ) in the IN list");
            if (sep.kind() == Kind.OTHER && sep.text().equals(")")) {
                return texts;
            }
            if (!(sep.kind() == Kind.OTHER && sep.text().equals(","))) {
                throw new MlflowFilter.Unsupported("expected , or ) in the IN list, found '" + sep.text() + "'");
            }
        }
    }

    // ---------------------------------------------------------------- order

    private static List<OrderTerm> order(List<String> orderBy, boolean runs, Set<String> attributes) {
        if (orderBy == null || orderBy.isEmpty()) {
            return List.of();
        }
        if (orderBy.size() > MAX_ORDER_TERMS) {
            throw new MlflowFilter.Unsupported("order_by takes at most " + MAX_ORDER_TERMS + " terms");
        }
        List<OrderTerm> out = new ArrayList<>();
        for (String term : orderBy) {
            if (term == null || term.isBlank() || term.length() > MAX_FILTER_LENGTH) {
                throw new MlflowFilter.Unsupported("an order_by term is empty or too long");
            }
            Cursor in = new Cursor(FilterTokens.of(term));
            Identifier id = identifier(in.next("a key to order by"), in, attributes);
            if (!runs && id.entity() != Entity.ATTRIBUTE) {
                throw new MlflowFilter.Unsupported("experiments are ordered by attributes only: "
                        + String.join(", ", sorted(attributes)));
            }
            boolean ascending = true;
            if (in.more()) {
                Token dir = in.next("ASC or DESC");
                if (isWord(dir, "desc")) {
                    ascending = false;
                } else if (!isWord(dir, "asc")) {
                    throw new MlflowFilter.Unsupported("expected ASC or DESC after " + id.written() + ", found '"
                            + dir.text() + "'");
                }
            }
            if (in.more()) {
                throw new MlflowFilter.Unsupported("order_by term '" + term + "' has more than a key and a direction");
            }
            out.add(new OrderTerm(id.entity(), id.key(), ascending));
        }
        return out;
    }

    // ---------------------------------------------------------------- identifiers

    /** What a filter or order term names; {@code written} is how it was written, for messages. */
    private record Identifier(Entity entity, String key, String written, boolean numeric) {
    }

    /** The key {@code first} (and a quoted key after it) names; an attribute must be one of {@code attributes}. */
    private static Identifier identifier(Token first, Cursor in, Set<String> attributes) {
        if (first.kind() != Kind.WORD) {
            throw new MlflowFilter.Unsupported("expected a key such as metrics.accuracy, params.lr, tags.team or "
                    + "attributes.status, found '" + first.text() + "'");
        }
        String word = first.text();
        int dot = word.indexOf('.');
        Entity entity = dot < 0 ? Entity.ATTRIBUTE : PREFIXES.get(word.substring(0, dot).toLowerCase(Locale.ROOT));
        if (entity == null) {
            throw new MlflowFilter.Unsupported("'" + word.substring(0, dot) + "' is not a kind of key; use metrics., "
                    + "params., tags. or attributes.");
        }
        String key = dot < 0 ? word : word.substring(dot + 1);
        if (key.isEmpty() && in.peekKind() == Kind.QUOTED_KEY) {
            key = in.next("a key").text();
        }
        if (key.isEmpty()) {
            throw new MlflowFilter.Unsupported("'" + word + "' names no key: write " + word + "<key> or " + word
                    + "`my key`");
        }
        String written = dot < 0 ? key : word.substring(0, dot + 1) + key;
        if (entity != Entity.ATTRIBUTE) {
            return new Identifier(entity, key, written, entity == Entity.METRIC);
        }
        String attribute = key.toLowerCase(Locale.ROOT);
        if (!attributes.contains(attribute)) {
            throw new MlflowFilter.Unsupported("attribute '" + key + "' is not supported here; supported attributes: "
                    + String.join(", ", sorted(attributes)));
        }
        return new Identifier(entity, attribute, written, Boolean.TRUE.equals(RUN_ATTRIBUTES.get(attribute)));
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    private static boolean isWord(Token t, String word) {
        return t.kind() == Kind.WORD && t.text().equalsIgnoreCase(word);
    }

    private static String quoted(Token t) {
        return t.kind() == Kind.STRING ? "'" + t.text() + "'" : t.text();
    }

    /** Reads tokens one at a time. */
    private static final class Cursor {
        private final List<Token> tokens;
        private int at;

        Cursor(List<Token> tokens) {
            this.tokens = tokens;
        }

        boolean more() {
            return at < tokens.size();
        }

        Kind peekKind() {
            return more() ? tokens.get(at).kind() : null;
        }

        Token next(String expected) {
            if (!more()) {
                throw new MlflowFilter.Unsupported("filter ends where " + expected + " was expected");
            }
            return tokens.get(at++);
        }
    }
}
