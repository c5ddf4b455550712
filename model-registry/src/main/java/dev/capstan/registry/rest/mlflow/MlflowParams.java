package dev.capstan.registry.rest.mlflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.registry.domain.MlflowFilter;
import dev.capstan.registry.domain.PageToken;
import dev.capstan.registry.rest.BadParameterException;
import dev.capstan.registry.rest.Params;
import dev.capstan.registry.service.ModelQuery;
import dev.capstan.registry.service.Views.Slice;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads MLflow's request parameters. Every refusal is a {@link BadParameterException}, which the error mappers turn
 * into MLflow's {@code INVALID_PARAMETER_VALUE} (400) under {@code /api/2.0/mlflow}.
 */
final class MlflowParams {

    static final String USER = "X-Capstan-User";
    /** The tracking searches' {@code max_results} when absent: MLflow's {@code SEARCH_MAX_RESULTS_DEFAULT}. */
    static final int TRACKING_SEARCH_DEFAULT = 1000;
    /** The most {@code max_results} a tracking search accepts: MLflow's server refuses more than 50,000. */
    static final int TRACKING_SEARCH_MAX = 50_000;
    /** The most runs or experiments one tracking search answer holds; the page token fetches the rest. */
    static final int TRACKING_PAGE_MAX = 1000;
    /** MLflow's stages; Capstan has only "None" (aliases replace the others) but accepts every name in a query. */
    private static final Set<String> STAGES = Set.of("none", "staging", "production", "archived");
    private static final Set<String> VIEW_TYPES = Set.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL");
    private static final Pattern EXPERIMENT_ID = Pattern.compile("[0-9]{1,18}");

    private MlflowParams() {
    }

    /** Who acts: {@code X-Capstan-User}, else "mlflow". */
    static String actor(String header) {
        return Params.actor(USER, header, "mlflow");
    }

    /** A parameter MLflow marks required. */
    static String required(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw new BadParameterException(name, "missing value for required parameter '" + name + "'");
        }
        return value;
    }

    /** A version: MLflow sends a string, Capstan numbers versions from 1. */
    static int version(String value) {
        return Params.version("version", required("version", value));
    }

    /** MLflow's tag list as a map; a later tag of the same key wins, as in MLflow. */
    static Map<String, String> tags(List<MlflowShapes.Tag> tags) {
        if (tags == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (MlflowShapes.Tag t : tags) {
            if (t == null || t.key() == null) {
                throw new BadParameterException("tags", "every tag needs a key");
            }
            out.put(t.key(), t.value());
        }
        return out;
    }

    /** {@code max_results}: {@code fallback} when absent, at least 1 and at most {@code max}. */
    static int maxResults(String value, int fallback, int max) {
        return Params.integer("max_results", value, fallback, 1, max);
    }

    /** The offset a page token resumes at. */
    static long offset(String pageToken) {
        try {
            return PageToken.decode(pageToken);
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("page_token", e.getMessage());
        }
    }

    /**
     * A search answer: the page's items under {@code key}, and {@code next_page_token} unless this page was the
     * last.
     */
    static <T> Map<String, Object> searchAnswer(String key, Slice<T> slice, long offset, Function<T, ?> shape) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(key, slice.items().stream().map(shape).toList());
        long next = offset + slice.items().size();
        if (!slice.items().isEmpty() && next < slice.total()) {
            out.put("next_page_token", PageToken.encode(next));
        }
        return out;
    }

    /** The run a tracking request names: {@code run_id}, or {@code run_uuid} as older clients send it. */
    static String runId(String runId, String runUuid) {
        return required("run_id", runId == null || runId.isEmpty() ? runUuid : runId);
    }

    /** An experiment id: MLflow sends a string, Capstan numbers experiments from 0 (the Default experiment). */
    static long experimentId(String field, String value) {
        String id = required(field, value);
        if (!EXPERIMENT_ID.matcher(id).matches()) {
            throw new BadParameterException(field, "invalid experiment ID '" + Params.printable(id)
                    + "': experiment ids are whole numbers");
        }
        return Long.parseLong(id);
    }

    /** {@code max_results} from a JSON body: {@code fallback} when absent, at least 1 and at most {@code max}. */
    static int maxResults(Long value, int fallback, int max) {
        if (value == null) {
            return fallback;
        }
        if (value < 1 || value > max) {
            throw new BadParameterException("max_results", "must be between 1 and " + max + ", not " + value);
        }
        return value.intValue();
    }

    /**
     * Whether a search with this view type ({@code ACTIVE_ONLY}, the default, {@code DELETED_ONLY} or {@code ALL})
     * can find anything: nothing in the tracking store is ever deleted, so DELETED_ONLY finds nothing.
     */
    static boolean findsActive(String field, String viewType) {
        String v = viewType == null ? "" : viewType.strip().toUpperCase(Locale.ROOT);
        if (!(v.isEmpty() || VIEW_TYPES.contains(v))) {
            throw new BadParameterException(field, "must be one of ACTIVE_ONLY, DELETED_ONLY, ALL, not '"
                    + Params.printable(viewType) + "'");
        }
        return !v.equals("DELETED_ONLY");
    }

    /** A page of a list under {@code key}, with a {@code next_page_token} when {@code nextOffset} is not null. */
    static Map<String, Object> pageAnswer(String key, List<?> items, Long nextOffset) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(key, items);
        if (nextOffset != null) {
            out.put("next_page_token", PageToken.encode(nextOffset));
        }
        return out;
    }

    /** What {@code parse} reads from the parameter {@code field}; a filter or order it does not support is refused. */
    static <T> T parsed(String field, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (MlflowFilter.Unsupported e) {
            throw new BadParameterException(field, e.getMessage());
        }
    }

    /** A search filter as Capstan's query. */
    static ModelQuery query(String filter, MlflowFilter.Target target) {
        MlflowFilter.Criteria c = parsed("filter", () -> MlflowFilter.parse(filter, target));
        return new ModelQuery(c.name(), c.namePattern(), c.ignoreCase(), null, c.tags(), c.runId(), c.sourcePath(),
                null);
    }

    /**
     * Whether the listed stages include "None" (the stage of every Capstan version); no stages at all means every
     * stage, as in MLflow. An unknown stage is refused as MLflow refuses it.
     */
    static boolean includesNone(List<String> stages) {
        if (stages == null || stages.isEmpty()) {
            return true;
        }
        boolean none = false;
        for (String s : stages) {
            String stage = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
            if (!STAGES.contains(stage)) {
                throw new BadParameterException("stages", "invalid model version stage '" + Params.printable(
                        String.valueOf(s)) + "': must be one of None, Staging, Production, Archived");
            }
            none |= stage.equals("none");
        }
        return none;
    }

    /**
     * Whether a search is to be ascending: {@code order_by} may name only {@code field} (the one Capstan sorts this
     * search by), with ASC or DESC; {@code byDefault} when it names nothing.
     */
    static boolean ascending(List<String> orderBy, String field, boolean byDefault) {
        if (orderBy == null || orderBy.isEmpty()) {
            return byDefault;
        }
        if (orderBy.size() > 1) {
            throw new BadParameterException("order_by", "only one term is supported: " + field + " [ASC|DESC]");
        }
        String[] words = orderBy.get(0).strip().split("\\s+");
        String dir = words.length == 2 ? words[1].toUpperCase(Locale.ROOT) : "ASC";
        if (words.length > 2 || !words[0].equalsIgnoreCase(field) || !(dir.equals("ASC") || dir.equals("DESC"))) {
            throw new BadParameterException("order_by", "'" + Params.printable(orderBy.get(0))
                    + "' is not supported; order by " + field + " [ASC|DESC]");
        }
        return dir.equals("ASC");
    }

    /**
     * The parameters of a DELETE: MLflow's clients send them as a JSON body, some tools in the query string; the
     * body wins where both name one.
     */
    static final class DeleteParams {
        private final JsonNode body;
        private final UriInfo uri;

        DeleteParams(ObjectMapper json, String body, UriInfo uri) throws JsonProcessingException {
            this.body = body == null || body.isBlank() ? null : json.readTree(body);
            if (this.body != null && !this.body.isObject()) {
                throw new BadParameterException("body", "must be a JSON object");
            }
            this.uri = uri;
        }

        /** The parameter's value, or null. */
        String get(String name) {
            JsonNode v = body == null ? null : body.get(name);
            if (v != null && !v.isNull()) {
                if (!v.isValueNode()) {
                    throw new BadParameterException(name, "must be a string");
                }
                return v.asText();
            }
            return uri.getQueryParameters().getFirst(name);
        }
    }
}
