package dev.capstan.localstack.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The MLflow tracking client of one simulated training run: each report goes to
 * {@code POST {trackingUri}/api/2.0/mlflow/runs/log-batch} as
 * {@code {"run_id": …, "metrics": [{"key", "value", "timestamp", "step"}]}}, one request at a time in the order
 * logged, as a trainer calling {@code mlflow.log_metrics} once per epoch sends them.
 *
 * <p>A request that gets no answer, 429 or a 5xx (what MLflow's own client retries) is sent again after
 * {@code firstBackoff}, doubling up to 4 s, while the waits add up to at most {@code retryFor} (30 s by default); then
 * that report is skipped, with a warning, and the next one goes. Any other answer is final. Nothing blocks: requests
 * are asynchronous, and their answers and retries run on the given scheduler.
 */
public final class MlflowRunLog {

    /** How long a report is retried by default before it is skipped. */
    public static final Duration RETRY_FOR = Duration.ofSeconds(30);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(MlflowRunLog.class.getName());

    private record Batch(long step, String body) {
    }

    private final HttpClient http;
    private final ScheduledExecutorService timers;
    private final URI logBatch;
    private final String runId;
    private final Duration firstBackoff;
    private final Duration retryFor;
    private final Deque<Batch> pending = new ArrayDeque<>();
    private final List<Runnable> whenSent = new ArrayList<>();
    private boolean sending;
    private boolean stopped;
    private CompletableFuture<?> inFlight;
    private ScheduledFuture<?> retry;

    /**
     * A log of run {@code runId} on the tracking server at {@code trackingUri} (e.g. {@code http://127.0.0.1:8085}).
     *
     * @throws IllegalArgumentException when {@code trackingUri} is not an absolute http(s) URI
     */
    public MlflowRunLog(HttpClient http, ScheduledExecutorService timers, String trackingUri, String runId) {
        this(http, timers, trackingUri, runId, FIRST_BACKOFF, RETRY_FOR);
    }

    MlflowRunLog(HttpClient http, ScheduledExecutorService timers, String trackingUri, String runId,
            Duration firstBackoff, Duration retryFor) {
        this.http = http;
        this.timers = timers;
        this.logBatch = logBatchUri(trackingUri);
        this.runId = runId;
        this.firstBackoff = firstBackoff;
        this.retryFor = retryFor;
    }

    private static URI logBatchUri(String trackingUri) {
        try {
            URI base = URI.create(trackingUri.trim().replaceAll("/+$", ""));
            if ("http".equals(base.getScheme()) || "https".equals(base.getScheme())) {
                return URI.create(base + "/api/2.0/mlflow/runs/log-batch");
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new IllegalArgumentException("not an http(s) URI: " + trackingUri);
    }

    /** Queues the metrics of {@code step}, stamped {@code timestampMillis}; sent after those queued before. */
    public synchronized void log(long step, Map<String, Double> metrics, long timestampMillis) {
        if (stopped) {
            return;
        }
        pending.add(new Batch(step, body(step, metrics, timestampMillis)));
        if (!sending) {
            sendNext();
        }
    }

    /** Runs {@code action} on the scheduler once every report queued so far is sent or skipped (at once if so). */
    public synchronized void whenSent(Runnable action) {
        if (stopped) {
            return;
        }
        whenSent.add(action);
        if (!sending) {
            sendNext();
        }
    }

    /** Sends nothing more from now on: queued reports are dropped, a request under way is abandoned. */
    public synchronized void stop() {
        stopped = true;
        pending.clear();
        whenSent.clear();
        if (retry != null) {
            retry.cancel(false);
        }
        if (inFlight != null) {
            inFlight.cancel(true);
        }
    }

    private String body(long step, Map<String, Double> metrics, long timestampMillis) {
        ObjectNode body = JSON.createObjectNode().put("run_id", runId);
        ArrayNode list = body.putArray("metrics");
        metrics.forEach((key, value) -> list.addObject().put("key", key).put("value", value)
                .put("timestamp", timestampMillis).put("step", step));
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a log-batch body", e);
        }
    }

    /** Under the lock: the next queued report goes, or, with none left, the waiting actions run. */
    private void sendNext() {
        Batch next = pending.peek();
        if (next == null) {
            sending = false;
            // On the scheduler, never under this lock: an action may end the pod, whose kubelet stops this log.
            whenSent.forEach(this::onScheduler);
            whenSent.clear();
            return;
        }
        sending = true;
        attempt(next, 0, Duration.ZERO);
    }

    private void attempt(Batch batch, int attempt, Duration waited) {
        HttpRequest request = HttpRequest.newBuilder(logBatch).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.body())).build();
        CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        inFlight = sent; // cancelled by stop(); the answer then finds the log stopped
        sent.whenComplete((response, failure) -> onScheduler(() -> answered(batch, attempt, waited, response,
                failure)));
    }

    private synchronized void answered(Batch batch, int attempt, Duration waited, HttpResponse<String> response,
            Throwable failure) {
        if (stopped) {
            return;
        }
        int status = response == null ? 0 : response.statusCode();
        if (failure == null && status / 100 == 2) {
            pending.poll();
            sendNext();
            return;
        }
        String what = failure != null ? String.valueOf(failure) : "HTTP " + status + " " + abbreviate(response.body());
        boolean retryable = failure != null || status == 429 || status >= 500;
        Duration backoff = firstBackoff.multipliedBy(1L << Math.min(attempt, 16));
        backoff = backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff;
        if (retryable && waited.plus(backoff).compareTo(retryFor) <= 0) {
            Duration next = waited.plus(backoff);
            retry = timers.schedule(() -> retry(batch, attempt + 1, next), backoff.toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        LOG.warning(() -> "skipping the metrics of step " + batch.step() + " of MLflow run " + runId + " (" + logBatch
                + "): " + what + (retryable ? ", still failing after " + waited.toSeconds() + " s" : ""));
        pending.poll();
        sendNext();
    }

    private synchronized void retry(Batch batch, int attempt, Duration waited) {
        if (!stopped) {
            attempt(batch, attempt, waited);
        }
    }

    private void onScheduler(Runnable action) {
        try {
            timers.execute(action);
        } catch (RejectedExecutionException e) {
            // the kubelet is closing: nothing is reported any more
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? String.valueOf(s) : s.substring(0, 197) + "...";
    }
}
