package dev.capstan.localstack.kube;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Answers the API discovery that kubectl needs, and hands everything else to the CRUD dispatcher.
 *
 * <p>The CRUD store answers {@code /api/v1} with a list of every stored object, after which kubectl
 * says "the server doesn't have a resource type nodes". kubectl adds {@code ?timeout=32s} to discovery
 * requests, so the paths are routed here rather than as exact-match expectations. Responses without a
 * content type get {@code application/json}: {@code kubectl describe} refuses them otherwise.
 */
final class DiscoveryDispatcher extends Dispatcher {

    static final String VERSION = """
            {"major":"1","minor":"32","gitVersion":"v1.32.0-capstan-sim","gitCommit":"0000000",\
            "gitTreeState":"clean","buildDate":"2025-01-01T00:00:00Z","goVersion":"go1.23",\
            "compiler":"gc","platform":"linux/amd64"}""";

    private static final String API_VERSIONS = """
            {"kind":"APIVersions","versions":["v1"],\
            "serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}""";

    private static final String API_GROUPS = """
            {"kind":"APIGroupList","apiVersion":"v1","groups":[]}""";

    private static final String VERBS = "[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\","
            + "\"update\",\"watch\"]";
    private static final String STATUS_VERBS = "[\"get\",\"patch\",\"update\"]";

    private static final String CORE_RESOURCES = "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\","
            + "\"groupVersion\":\"v1\",\"resources\":["
            + resource("pods", "Pod", true, "po", VERBS) + ","
            + resource("pods/status", "Pod", true, null, STATUS_VERBS) + ","
            + resource("services", "Service", true, "svc", VERBS) + ","
            + resource("endpoints", "Endpoints", true, "ep", VERBS) + ","
            + resource("configmaps", "ConfigMap", true, "cm", VERBS) + ","
            + resource("events", "Event", true, "ev", VERBS) + ","
            + resource("namespaces", "Namespace", false, "ns", VERBS) + ","
            + resource("nodes", "Node", false, "no", VERBS) + ","
            + resource("nodes/status", "Node", false, null, STATUS_VERBS)
            + "]}";

    private final Dispatcher crud;

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
                    if (bare.startsWith("/openapi")) {
                        // No OpenAPI documents (kubectl wants v2 as protobuf): `kubectl create/apply`
                        // need --validate=false here.
                        return json(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"reason\":\"NotFound\",\"code\":404}");
                    }
            }
        }
        MockResponse response = crud.dispatch(request);
        if (response != null && response.getWebSocketListener() == null && response.header("Content-Type") == null) {
            response.setHeader("Content-Type", "application/json");
        }
        return response;
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }
}
