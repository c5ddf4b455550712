package dev.capstan.localstack.trainer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for MLflow's tracking API in tests: a JDK HTTP server that records the metrics of every
 * {@code runs/log-batch} it accepts. The real endpoint (model-registry) is tested there.
 */
public final class RecordingMlflow implements AutoCloseable {

    /** One metric point as it arrived. */
    public record Metric(String runId, String key, double value, long step, long timestamp) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<Metric> metrics = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private int refusals;
    private int refusalStatus;

    private RecordingMlflow(HttpServer server) {
        this.server = server;
    }

    /** A server on a free port of 127.0.0.1. */
    public static RecordingMlflow start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        RecordingMlflow mlflow = new RecordingMlflow(server);
        server.createContext("/api/2.0/mlflow/runs/log-batch", mlflow::logBatch);
        server.start();
        return mlflow;
    }

    /** What goes into {@code MLFLOW_TRACKING_URI}. */
    public String uri() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code count} log-batch requests are answered {@code status} and not recorded. */
    public synchronized void refuseNext(int count, int status) {
        refusals = count;
        refusalStatus = status;
    }

    /** The metrics accepted for {@code runId}, in the order they arrived. */
    public synchronized List<Metric> metrics(String runId) {
        return metrics.stream().filter(m -> m.runId().equals(runId)).toList();
    }

    /** How many log-batch requests arrived, refused ones included. */
    public int requests() {
        return requests.get();
    }

    private void logBatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            int status = 200;
            synchronized (this) {
                if (refusals > 0) {
                    refusals--;
                    status = refusalStatus;
                } else if (!"POST".equals(exchange.getRequestMethod())
                        || !exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/json")) {
                    status = 415;
                } else {
                    for (JsonNode m : body.get("metrics")) {
                        metrics.add(new Metric(body.get("run_id").asText(), m.get("key").asText(),
                                m.get("value").asDouble(), m.get("step").asLong(), m.get("timestamp").asLong()));
                    }
                }
            }
            byte[] answer = (status == 200 ? "{}" : "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
