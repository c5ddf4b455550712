package dev.capstan.localstack.demo;

import dev.capstan.events.EventCodec;
import dev.capstan.events.ScalingEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.LongToDoubleFunction;
import java.util.function.Predicate;

/**
 * The serving part of the demo, the whole story of a model in production: a training job produces {@code demo-chat}
 * v1 in the registry, it is promoted to {@code production}, and the inference service {@code demo-chat@production}
 * is created behind the simulated gateway, which plays the request trace; its replicas run as pods and follow the
 * load. Then a quantised v2 that fails 8 % of its requests is promoted: the canary finds it out and the autoscaler
 * rolls it back on its own (traffic, replicas and the alias), which the alias history shows; finally a retrained v3
 * is promoted and rolled out to every replica.
 */
public final class ServingDemo implements Runnable {

    public static final String SERVICE = "demo-chat";
    static final String ALIAS = "production";
    private static final Duration STEP_DEADLINE = Duration.ofMinutes(6);

    private final String submissionUrl;
    private final String registryUrl;
    private final String kafka;
    private final KubernetesClient kube;
    private final LongToDoubleFunction demand;
    private final PrintStream out;
    private final Consumer<InferenceGateway> started;
    private final ModelDemo models;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param started told about the gateway once it runs (the caller closes it at shutdown)
     */
    public ServingDemo(String submissionUrl, String registryUrl, String kafka, KubernetesClient kube,
            LongToDoubleFunction demand, PrintStream out, Consumer<InferenceGateway> started) {
        this.submissionUrl = submissionUrl;
        this.registryUrl = registryUrl;
        this.kafka = kafka;
        this.kube = kube;
        this.demand = demand;
        this.out = out;
        this.started = started;
        this.models = new ModelDemo(submissionUrl, registryUrl, out, SERVICE, "serving");
    }

    @Override
    public void run() {
        try {
            int v1 = models.trainAndAwait("chat-train-1", "s3://demo-models/chat/run-1");
            if (!models.command("promote", SERVICE, ALIAS, String.valueOf(v1), "--reason", "first chat model")) {
                return;
            }
            InferenceGateway gateway = new InferenceGateway(kafka, kube, submissionUrl, registryUrl, SERVICE, 2.0, 10,
                    2000, demand, out).start();
            started.accept(gateway);
            // Canary steps a demo can watch at the trace's few requests per second: half, then all, each judged over
            // 20 s and at least 150 requests (enough to tell 8 % errors from 0.2 % at 99 % confidence).
            patch("{\"rollout\":{\"canarySteps\":[50,100],\"analysisWindowSeconds\":20,\"minRequests\":150}}");
            models.say(SERVICE + "@" + ALIAS + " deployed (v" + v1 + "); the gateway plays the trace");
            // On a stack kept from an earlier run the service may still serve an older version: v1 is rolled out
            // first, like any new version.
            await(gateway, p -> p.revisions().size() == 1 && p.revisions().get(0).name().equals("v" + v1)
                    && p.revisions().get(0).replicas() > 0, "v" + v1 + " serving everything");
            Thread.sleep(60_000); // a minute of the trace: the replicas follow the load (the gateway prints each plan)

            int v2 = register("s3://demo-models/chat/run-1-int8", "int8 quantised: half the GPU time, 8 % of answers "
                    + "fail", "0.08");
            models.command("promote", SERVICE, ALIAS, String.valueOf(v2), "--reason", "int8 quantised: half the cost");
            ScalingEvent.RevisionsPlanned back = await(gateway, p -> p.rollout() != null
                    && p.rollout().to().equals("v" + v2) && "rolled-back".equals(p.rollout().phase()),
                    "the canary's verdict on v" + v2);
            models.say("the autoscaler rolled v" + v2 + " back: " + back.rollout().verdict());
            awaitAlias(back.revisions().get(0).modelVersion());
            models.command("models", "history", SERVICE, ALIAS);

            int v3 = models.trainAndAwait("chat-train-2", "s3://demo-models/chat/run-2");
            models.command("promote", SERVICE, ALIAS, String.valueOf(v3), "--reason", "retrained on fresh data");
            ScalingEvent.RevisionsPlanned done = await(gateway, p -> p.rollout() != null
                    && p.rollout().to().equals("v" + v3) && "promoted".equals(p.rollout().phase()),
                    "the rollout of v" + v3);
            models.say("v" + v3 + " promoted: " + done.rollout().verdict() + ". Try: ./capstan describe " + SERVICE
                    + ", ./capstan models history " + SERVICE + " " + ALIAS
                    + ", kubectl get pods -l capstan.dev/inference-service=" + SERVICE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            models.say("stopped: " + e.getMessage());
        }
    }

    /** Registers a version as a user would (an artifact trained elsewhere) with the gateway's error-rate tag. */
    private int register(String artifactUri, String description, String errorRate)
            throws IOException, InterruptedException {
        String body = EventCodec.mapper().writeValueAsString(java.util.Map.of("artifactUri", artifactUri, "format",
                "onnx", "description", description, "tags", java.util.Map.of(RevisionBehaviour.ERROR_RATE,
                        errorRate)));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/api/v1/models/" + SERVICE
                + "/versions")).header("Content-Type", "application/json").header("X-Capstan-User", "demo")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("registering " + artifactUri + ": " + r.statusCode() + " " + r.body());
        }
        int version = EventCodec.mapper().readTree(r.body()).path("version").asInt();
        models.say(SERVICE + " v" + version + " registered: " + description);
        return version;
    }

    private void patch(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(submissionUrl
                + "/api/v1/inference-services/" + SERVICE)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("changing " + SERVICE + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** Waits for a plan of the service that {@code what} accepts, as the gateway sees the plans. */
    private ScalingEvent.RevisionsPlanned await(InferenceGateway gateway, Predicate<ScalingEvent.RevisionsPlanned> what,
            String waitingFor) throws InterruptedException {
        Instant deadline = Instant.now().plus(STEP_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            ScalingEvent.RevisionsPlanned p = gateway.lastPlan();
            if (p != null && what.test(p)) {
                return p;
            }
            Thread.sleep(500); // watching the gateway's view of the plans, bounded by the deadline
        }
        throw new IllegalStateException("no plan with " + waitingFor + " within " + STEP_DEADLINE);
    }

    private void awaitAlias(int version) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/api/v1/models/"
                    + SERVICE + "/aliases/" + ALIAS)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && EventCodec.mapper().readTree(r.body()).path("version").asInt() == version) {
                return;
            }
            Thread.sleep(500); // the autoscaler moves the alias through the registry's API
        }
        throw new IllegalStateException(SERVICE + "@" + ALIAS + " was not moved back to v" + version);
    }
}
