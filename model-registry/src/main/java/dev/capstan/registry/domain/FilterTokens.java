package dev.capstan.registry.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits an MLflow search filter or order-by term into tokens: words ({@code name}, {@code tags.team},
 * {@code AND}), keys quoted after a prefix ({@code tags.`my key`}), quoted values ({@code 'x'}, {@code "x"}, a
 * doubled quote standing for one), numbers ({@code 0.5}, {@code -1}, {@code 1e-3}), comparison operators and
 * single other characters ({@code (}, {@code ,}, {@code )}). Shared by the registry's and the tracking API's
 * filters so that both read quoting the same way.
 */
final class FilterTokens {

    enum Kind { WORD, QUOTED_KEY, STRING, NUMBER, OPERATOR, OTHER }

    record Token(Kind kind, String text) {
    }

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private FilterTokens() {
    }

    static List<Token> of(String s) {
        List<Token> out = new ArrayList<>();
        Matcher number = NUMBER.matcher(s);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (startsNumber(s, i) && number.region(i, s.length()).lookingAt()
                    && (number.end() == s.length() || !isWordChar(s.charAt(number.end())))) {
                out.add(new Token(Kind.NUMBER, number.group()));
                i = number.end();
            } else if (isWordChar(c)) {
                int start = i;
                while (i < s.length() && isWordChar(s.charAt(i))) {
                    i++;
                }
                out.add(new Token(Kind.WORD, s.substring(start, i)));
            } else if (c == '\'' || c == '"' || c == '`') {
                i = quoted(s, i, out);
            } else if ("=!<>".indexOf(c) >= 0) {
                int start = i;
                while (i < s.length() && "=!<>".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                out.add(new Token(Kind.OPERATOR, s.substring(start, i)));
            } else {
                out.add(new Token(Kind.OTHER, String.valueOf(c)));
                i++;
            }
        }
        return out;
    }

    /** Reads the quoted text starting at {@code i} into {@code out}; returns where reading goes on. */
    private static int quoted(String s, int i, List<Token> out) {
        char q = s.charAt(i);
        StringBuilder text = new StringBuilder();
        int j = i + 1;
        while (j < s.length()) {
            char d = s.charAt(j);
            if (d == q) {
                if (j + 1 < s.length() && s.charAt(j + 1) == q) {
                    text.append(q);
                    j += 2;
                    continue;
                }
                // After "tags." a quoted word is a key; anywhere else ' and " quote a value.
                boolean key = q == '`' || (!out.isEmpty() && out.get(out.size() - 1).kind() == Kind.WORD
                        && out.get(out.size() - 1).text().endsWith("."));
                out.add(new Token(key ? Kind.QUOTED_KEY : Kind.STRING, text.toString()));
                return j + 1;
            }
            text.append(d);
            j++;
        }
        throw new MlflowFilter.Unsupported("unterminated " + q + " starting at character " + (i + 1));
    }

    /** A number starts here: a digit, or a sign or point followed by a digit (not inside a word). */
    private static boolean startsNumber(String s, int i) {
        char c = s.charAt(i);
        if (Character.isDigit(c)) {
            return true;
        }
        return (c == '-' || c == '+' || c == '.') && i + 1 < s.length() && (Character.isDigit(s.charAt(i + 1))
                || (c != '.' && s.charAt(i + 1) == '.' && i + 2 < s.length() && Character.isDigit(s.charAt(i + 2))));
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.';
    }
}
