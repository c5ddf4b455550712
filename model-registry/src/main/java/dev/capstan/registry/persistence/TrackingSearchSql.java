package dev.capstan.registry.persistence;

import dev.capstan.registry.domain.MlflowFilter;
import dev.capstan.registry.domain.TrackingSearch.Comparator;
import dev.capstan.registry.domain.TrackingSearch.Condition;
import dev.capstan.registry.domain.TrackingSearch.Entity;
import dev.capstan.registry.domain.TrackingSearch.OrderTerm;
import dev.capstan.registry.domain.TrackingSearch.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of the tracking API's searches, from the conditions and order terms {@code TrackingSearch} read. Every
 * value is a bound parameter; only column names and operators, chosen from fixed tables, enter the text. Each query
 * asks for one row more than the page so that the caller knows whether another page follows.
 */
public final class TrackingSearchSql {

    /** A query's text and its named parameters. */
    public record Sql(String text, Map<String, Object> params) {
    }

    private static final Map<String, String> RUN_COLUMNS = Map.of("run_id", "r.run_id", "run_name", "r.run_name",
            "status", "r.status", "user_id", "r.user_id", "start_time", "r.start_time", "end_time", "r.end_time");
    private static final Map<String, String> EXPERIMENT_COLUMNS = Map.of("name", "e.name", "experiment_id", "e.id",
            "creation_time", "e.created_at", "last_update_time", "e.updated_at");
    private static final Map<Comparator, String> OPERATORS = Map.of(Comparator.EQ, "=", Comparator.NE, "<>",
            Comparator.LT, "<", Comparator.LE, "<=", Comparator.GT, ">", Comparator.GE, ">=", Comparator.LIKE, "like",
            Comparator.ILIKE, "ilike", Comparator.IN, "in");
    private static final String NAN = "cast('NaN' as double precision)";

    private TrackingSearchSql() {
    }

    /**
     * The ids of the runs of {@code experimentIds} that meet every condition, in the order asked for, then newest
     * start first and by id (MLflow's tie-breakers); missing values (a run without the metric, param or tag) and NaN
     * last in either direction, as MLflow sorts them.
     */
    public static Sql runIds(List<Long> experimentIds, List<Condition> conditions, List<OrderTerm> order,
            long offset, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("experiments", experimentIds);
        StringBuilder from = new StringBuilder("tracking_run r");
        StringBuilder where = new StringBuilder("r.experiment_id in (:experiments)");
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            String op = OPERATORS.get(c.comparator());
            String k = ":k" + i;
            String v = c.comparator() == Comparator.IN ? "(:v" + i + ")" : ":v" + i;
            params.put("v" + i, bound(c.value()));
            switch (c.entity()) {
                case METRIC -> {
                    // Comparisons follow IEEE 754: a NaN latest value matches != only.
                    where.append(" and exists (select 1 from run_latest_metric m where m.run_id = r.run_id and "
                            + "m.metric_key = ").append(k).append(" and m.value ").append(op).append(' ').append(v)
                            .append(c.comparator() == Comparator.NE ? "" : " and m.value <> " + NAN).append(')');
                    params.put("k" + i, c.key());
                }
                case PARAM, TAG -> {
                    where.append(" and r.").append(c.entity() == Entity.PARAM ? "params" : "tags").append(" ->> ")
                            .append(k).append(' ').append(op).append(' ').append(v);
                    params.put("k" + i, c.key());
                }
                case ATTRIBUTE -> where.append(" and ").append(RUN_COLUMNS.get(c.key())).append(' ').append(op)
                        .append(' ').append(v);
            }
        }
        StringBuilder orderBy = new StringBuilder();
        for (int j = 0; j < order.size(); j++) {
            OrderTerm t = order.get(j);
            String dir = t.ascending() ? " asc" : " desc";
            String o = "o" + j;
            switch (t.entity()) {
                case METRIC -> {
                    from.append(" left join run_latest_metric ").append(o).append(" on ").append(o)
                            .append(".run_id = r.run_id and ").append(o).append(".metric_key = :").append(o);
                    params.put(o, t.key());
                    orderBy.append("case when ").append(o).append(".value is null then 2 when ").append(o)
                            .append(".value = ").append(NAN).append(" then 1 else 0 end, ").append(o).append(".value")
                            .append(dir).append(", ");
                }
                case PARAM, TAG -> {
                    String e = "(r." + (t.entity() == Entity.PARAM ? "params" : "tags") + " ->> :" + o + ")";
                    params.put(o, t.key());
                    orderBy.append(e).append(" is null, ").append(e).append(dir).append(", ");
                }
                case ATTRIBUTE -> {
                    String column = RUN_COLUMNS.get(t.key());
                    orderBy.append(column).append(" is null, ").append(column).append(dir).append(", ");
                }
            }
        }
        if (order.stream().noneMatch(t -> t.entity() == Entity.ATTRIBUTE && t.key().equals("start_time"))) {
            orderBy.append("r.start_time desc, ");
        }
        orderBy.append("r.run_id");
        return new Sql("select r.run_id from " + from + " where " + where + " order by " + orderBy + " limit "
                + (limit + 1) + " offset " + offset, params);
    }

    private static Object bound(Value value) {
        if (value instanceof Value.Text t) {
            return t.text();
        }
        if (value instanceof Value.Number n) {
            return n.number();
        }
        return ((Value.Texts) value).texts();
    }

    /**
     * The ids of the experiments that meet the filter's criteria (name, name pattern, tags), in the order asked for;
     * experiment id, newest first, breaks ties as in MLflow.
     */
    public static Sql experimentIds(MlflowFilter.Criteria c, List<OrderTerm> order, long offset, int limit) {
        Map<String, Object> params = new HashMap<>();
        StringBuilder where = new StringBuilder("true");
        if (c.name() != null) {
            where.append(" and e.name = :name");
            params.put("name", c.name());
        }
        if (c.namePattern() != null) {
            where.append(c.ignoreCase() ? " and e.name ilike :pattern" : " and e.name like :pattern");
            params.put("pattern", c.namePattern());
        }
        int i = 0;
        for (var t : c.tags().entrySet()) {
            where.append(" and e.tags ->> :tk").append(i).append(" = :tv").append(i);
            params.put("tk" + i, t.getKey());
            params.put("tv" + i, t.getValue());
            i++;
        }
        StringBuilder orderBy = new StringBuilder();
        for (OrderTerm t : order) {
            orderBy.append(EXPERIMENT_COLUMNS.get(t.key())).append(t.ascending() ? " asc" : " desc").append(", ");
        }
        if (order.stream().noneMatch(t -> t.key().equals("experiment_id"))) {
            orderBy.append("e.id desc, ");
        }
        return new Sql("select e.id from tracking_experiment e where " + where + " order by "
                + orderBy.substring(0, orderBy.length() - 2) + " limit " + (limit + 1) + " offset " + offset, params);
    }
}
