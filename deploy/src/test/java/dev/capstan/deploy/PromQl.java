package dev.capstan.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough PromQL reading to tell which metrics an expression selects. */
final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PromQl() {
    }

    /** Metric names selected by {@code expr}: identifiers that are not functions, keywords, labels or strings. */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // range and subquery durations
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        Set<String> out = new TreeSet<>();
        Matcher m = NAME.matcher(s);
        while (m.find()) {
            String name = m.group();
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            boolean function = after < s.length() && s.charAt(after) == '(';
            boolean number = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.');
            if (!function && !number && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * The meter a Prometheus series name comes from, against the meters' base names ({@code capstan_x_y}): Micrometer
     * adds _total to counters, the base unit (_seconds) to timers and unit-bearing gauges, and _bucket, _count, _sum,
     * _max to timers and histograms. Null when no meter matches.
     */
    static String meterOf(String series, Set<String> meters) {
        String s = series;
        for (String suffix : new String[] {"_bucket", "_count", "_sum", "_max", "_total"}) {
            if (s.endsWith(suffix) && !meters.contains(s)) {
                s = s.substring(0, s.length() - suffix.length());
                break;
            }
        }
        if (meters.contains(s)) {
            return s;
        }
        if (s.endsWith("_seconds") && meters.contains(s.substring(0, s.length() - "_seconds".length()))) {
            return s.substring(0, s.length() - "_seconds".length());
        }
        return null;
    }
}
