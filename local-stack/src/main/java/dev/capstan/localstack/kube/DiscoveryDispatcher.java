package dev.capstan.localstack.kube;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;

/**
 * Answers the API discovery that kubectl needs, and hands everything else to the CRUD dispatcher.
 *
 * <p>The CRUD store answers {@code /api/v1} with a list of every stored object, after which kubectl
 * says "the server doesn't have a resource type nodes". kubectl adds {@code ?timeout=32s} to discovery
 * requests, so the paths are routed here rather than as exact-match expectations. Responses without a
 * content type get {@code application/json}: {@code kubectl describe} refuses them otherwise.
 *
 * <p>Besides the core group it names the API groups deploy/'s manifests use (apps, policy, networking, RBAC,
 * coordination, CRDs, and the Prometheus operator's, Strimzi's and CloudNativePG's), so that
 * {@code kubectl apply --dry-run=server} of those manifests reaches the server. A dry-run request
 * ({@code ?dryRun=All}) is answered here and never reaches the store: a create echoes the object (409 when one of
 * that name exists), an update, patch or delete answers with the object as stored (404 when there is none). The
 * server validates nothing beyond that; the deploy module's tests read every object strictly before.
 */
final class DiscoveryDispatcher extends Dispatcher {

    static final String VERSION = """
            {"major":"1","minor":"32","gitVersion":"v1.32.0-capstan-sim","gitCommit":"0000000",\
            "gitTreeState":"clean","buildDate":"2025-01-01T00:00:00Z","goVersion":"go1.23",\
            "compiler":"gc","platform":"linux/amd64"}""";

    private static final String API_VERSIONS = """
            {"kind":"APIVersions","versions":["v1"],\
            "serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}""";

    /** One resource type of an API group's discovery document. */
    private record Res(String name, String kind, boolean namespaced) {
    }

    /** group/version → its resources. */
    private static final java.util.Map<String, List<Res>> GROUPS = groups();

    private static final String API_GROUPS = apiGroups();

    private static final String VERBS = "[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\","
            + "\"update\",\"watch\"]";
    private static final String STATUS_VERBS = "[\"get\",\"patch\",\"update\"]";

    private static final String CORE_RESOURCES = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
            + "\"groupVersion\":\"v1\",\"resources\":["
            + resource("pods", "Pod", true, "po", VERBS) + ","
            + resource("pods/status", "Pod", true, null, STATUS_VERBS) + ","
            + resource("services", "Service", true, "svc", VERBS) + ","
            + resource("serviceaccounts", "ServiceAccount", true, "sa", VERBS) + ","
            + resource("secrets", "Secret", true, null, VERBS) + ","
            + resource("endpoints", "Endpoints", true, "ep", VERBS) + ","
            + resource("configmaps", "ConfigMap", true, "cm", VERBS) + ","
            + resource("events", "Event", true, "ev", VERBS) + ","
            + resource("namespaces", "Namespace", false, "ns", VERBS) + ","
            + resource("nodes", "Node", false, "no", VERBS) + ","
            + resource("nodes/status", "Node", false, null, STATUS_VERBS)
            + "]}";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final Dispatcher crud;

    private static java.util.Map<String, List<Res>> groups() {
        java.util.Map<String, List<Res>> g = new java.util.LinkedHashMap<>();
        g.put("apps/v1", List.of(new Res("deployments", "Deployment", true),
                new Res("statefulsets", "StatefulSet", true)));
        g.put("policy/v1", List.of(new Res("poddisruptionbudgets", "PodDisruptionBudget", true)));
        g.put("networking.k8s.io/v1", List.of(new Res("networkpolicies", "NetworkPolicy", true)));
        g.put("rbac.authorization.k8s.io/v1", List.of(new Res("roles", "Role", true),
                new Res("rolebindings", "RoleBinding", true),
                new Res("clusterroles", "ClusterRole", false),
                new Res("clusterrolebindings", "ClusterRoleBinding", false)));
        g.put("coordination.k8s.io/v1", List.of(new Res("leases", "Lease", true)));
        g.put("apiextensions.k8s.io/v1", List.of(
                new Res("customresourcedefinitions", "CustomResourceDefinition", false)));
        g.put("monitoring.coreos.com/v1", List.of(new Res("servicemonitors", "ServiceMonitor", true),
                new Res("podmonitors", "PodMonitor", true),
                new Res("prometheusrules", "PrometheusRule", true)));
        g.put("kafka.strimzi.io/v1beta2", List.of(new Res("kafkas", "Kafka", true),
                new Res("kafkanodepools", "KafkaNodePool", true),
                new Res("kafkatopics", "KafkaTopic", true)));
        g.put("postgresql.cnpg.io/v1", List.of(new Res("clusters", "Cluster", true),
                new Res("databases", "Database", true)));
        return g;
    }

    private static String apiGroups() {
        StringBuilder b = new StringBuilder("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
        String sep = "";
        for (String gv : GROUPS.keySet()) {
            String group = gv.substring(0, gv.indexOf('/'));
            String version = gv.substring(gv.indexOf('/') + 1);
            String v = "{\"groupVersion\":\"" + gv + "\",\"version\":\"" + version + "\"}";
            b.append(sep).append("{\"name\":\"").append(group).append("\",\"versions\":[").append(v)
                    .append("],\"preferredVersion\":").append(v).append('}');
            sep = ",";
        }
        return b.append("]}").toString();
    }

    private static String groupResources(String gv) {
        StringBuilder b = new StringBuilder("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"")
                .append(gv).append("\",\"resources\":[");
        String sep = "";
        for (Res r : GROUPS.get(gv)) {
            b.append(sep).append(resource(r.name(), r.kind(), r.namespaced(), null, VERBS));
            sep = ",";
        }
        return b.append("]}").toString();
    }

    DiscoveryDispatcher(Dispatcher crud) {
        this.crud = crud;
    }

    private static String resource(String name, String kind, boolean namespaced, String shortName, String verbs) {
        String singular = name.contains("/") ? "" : kind.toLowerCase(java.util.Locale.ROOT);
        return "{\"name\":\"" + name + "\",\"singularName\":\"" + singular + "\",\"namespaced\":" + namespaced
                + ",\"kind\":\"" + kind + "\",\"verbs\":" + verbs
                + (shortName == null ? "" : ",\"shortNames\":[\"" + shortName + "\"]") + "}";
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath() == null ? "/" : request.getPath();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        if (bare.length() > 1 && bare.endsWith("/")) {
            bare = bare.substring(0, bare.length() - 1);
        }
        if ("GET".equalsIgnoreCase(request.getMethod())) {
            switch (bare) {
                case "/api":
                    return json(200, API_VERSIONS);
                case "/api/v1":
                    return json(200, CORE_RESOURCES);
                case "/apis":
                    return json(200, API_GROUPS);
                case "/version":
                    return json(200, VERSION);
                default:
                    if (bare.startsWith("/apis/") && GROUPS.containsKey(bare.substring("/apis/".length()))) {
                        return json(200, groupResources(bare.substring("/apis/".length())));
                    }
                    if (bare.startsWith("/openapi")) {
                        // No OpenAPI documents (kubectl wants v2 as protobuf): `kubectl create/apply`
                        // need --validate=false here.
                        return json(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"reason\":\"NotFound\",\"code\":404}");
                    }
            }
        }
        if (q >= 0 && path.substring(q).contains("dryRun=All") && !"GET".equalsIgnoreCase(request.getMethod())) {
            return dryRun(request, bare);
        }
        MockResponse response = crud.dispatch(request);
        if (response != null && response.getWebSocketListener() == null && response.header("Content-Type") == null) {
            response.setHeader("Content-Type", "application/json");
        }
        return response;
    }

    /**
     * A dry-run request, answered from what is stored without changing it. {@code bare}: the path without its query.
     */
    private MockResponse dryRun(RecordedRequest request, String bare) {
        String method = request.getMethod().toUpperCase(java.util.Locale.ROOT);
        String body = request.getUtf8Body();
        String objectPath = bare;
        if ("POST".equals(method)) {
            String name = nameOf(body);
            if (name == null) {
                return status(422, "Invalid", "metadata.name is required");
            }
            objectPath = bare + "/" + name;
        }
        MockResponse stored = crud.dispatch(new RecordedRequest("HTTP/1.1", io.fabric8.mockwebserver.dsl.HttpMethod.GET,
                objectPath, io.fabric8.mockwebserver.http.Headers.builder().build(),
                new io.fabric8.mockwebserver.http.Buffer()));
        boolean exists = stored != null && stored.code() == 200;
        if ("POST".equals(method)) {
            return exists ? status(409, "AlreadyExists", objectPath + " already exists") : json(201, body);
        }
        if (!exists) {
            return status(404, "NotFound", objectPath + " not found");
        }
        // The update is not merged into the stored object: the answer is what a client would compare against.
        return "PUT".equals(method) ? json(200, body) : stored.setHeader("Content-Type", "application/json");
    }

    private static String nameOf(String body) {
        try {
            String name = JSON.readTree(body).path("metadata").path("name").asText(null);
            return name == null || name.isEmpty() ? null : name;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static MockResponse status(int code, String reason, String message) {
        return json(code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
                + "\",\"message\":\"" + message.replace("\"", "'") + "\",\"code\":" + code + "}");
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }
}
