package dev.capstan.submission.messaging;

import dev.capstan.events.CloudEventHeaders;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.capstan.events.EventCodec;
import dev.capstan.rest.JsonProblems;
import dev.capstan.rest.Retry;
import dev.capstan.events.EventTypes;
import dev.capstan.events.InferenceServiceSpec;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.TuningExperimentSpec;
import dev.capstan.events.WorkloadRequest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.events.spec.InvalidDocumentException;
import dev.capstan.events.spec.SpecDocuments;
import dev.capstan.submission.service.InvalidWorkloadException;
import dev.capstan.submission.service.ExperimentSubmissions;
import dev.capstan.submission.service.InferenceServices;
import dev.capstan.submission.service.ModelCheck;
import dev.capstan.submission.service.WorkloadConflictException;
import dev.capstan.submission.service.WorkloadNotFoundException;
import dev.capstan.submission.service.WorkloadService;
import dev.capstan.support.messaging.KafkaHeaders;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The Kafka ingress for upstream systems on {@code capstan.workload-requests}. The record key is the
 * request id (the same id twice yields one workload); the value is the REST body for a submit, or
 * {@code {"workloadId":…,"reason":…}} for a cancel ({@code ce_type} {@code dev.capstan.workload.cancel.v1}); for
 * inference services, the REST body for a create ({@code dev.capstan.inferenceservice.create.v1}),
 * {@code {"name":…,"change":{…}}} for a change ({@code ….change.v1}, the fields to replace) and
 * {@code {"name":…,"reason":…}} for a delete ({@code ….delete.v1}); for tuning experiments, tuning-service's REST
 * body for a create ({@code dev.capstan.experiment.create.v1}) and {@code {"name":…,"reason":…}} for a stop
 * ({@code dev.capstan.experiment.stop.v1}). A value that is a Kubernetes-style document ({@code apiVersion:
 * capstan.dev/v1}, {@code kind: TrainingJob | InferenceService | Experiment}) creates what its kind says, with no
 * {@code ce_type} or the kind's create type.
 * A record without {@code ce_type} is a submit. Both CloudEvents bindings are read: binary mode ({@code ce_}
 * headers, the value is the data) and structured mode ({@code content-type: application/cloudevents+json}, the
 * value is the envelope with the data inside). Anything unreadable or invalid is thrown, which sends the
 * record with the reason to {@code capstan.dlq.submission-service}, and the consumer goes on.
 */
@ApplicationScoped
public class WorkloadRequestConsumer {

    private static final Logger LOG = Logger.getLogger(WorkloadRequestConsumer.class);
    private static final String SUBMIT = EventTypes.typeOf(WorkloadRequest.SubmitTrainingJob.class);
    private static final String CANCEL = EventTypes.typeOf(WorkloadRequest.CancelWorkload.class);
    private static final String CREATE_SERVICE = EventTypes.typeOf(WorkloadRequest.CreateInferenceService.class);
    private static final String CHANGE_SERVICE = EventTypes.typeOf(WorkloadRequest.ChangeInferenceService.class);
    private static final String DELETE_SERVICE = EventTypes.typeOf(WorkloadRequest.DeleteInferenceService.class);
    private static final String CREATE_EXPERIMENT = EventTypes.typeOf(WorkloadRequest.CreateExperiment.class);
    private static final String STOP_EXPERIMENT = EventTypes.typeOf(WorkloadRequest.StopExperiment.class);

    /** The content type of a CloudEvent in structured mode (the other standard Kafka binding). */
    private static final String STRUCTURED = "application/cloudevents+json";

    /** A request waits while the database, or the registry checking a model, cannot answer. */
    private static final Retry WAITING = Retry.whileTransient()
            .alsoWaitingFor(e -> e instanceof ModelCheck.RegistryUnavailable);

    private final WorkloadService workloads;
    private final InferenceServices services;
    private final ExperimentSubmissions experiments;

    WorkloadRequestConsumer(WorkloadService workloads, InferenceServices services, ExperimentSubmissions experiments) {
        this.workloads = workloads;
        this.services = services;
        this.experiments = experiments;
    }

    /**
     * Reads the request's JSON; what does not fit is refused with the field and what was expected, in JSON terms (as
     * the REST API words it), for the dead-letter record's reason.
     */
    private static <T> T read(Class<T> type, String value, String what) {
        try {
            return EventCodec.fromJson(type, value);
        } catch (EventCodec.MalformedEventException e) {
            if (e.getCause() instanceof JsonMappingException m) {
                throw new IllegalArgumentException("not " + what + ": " + JsonProblems.field(m) + ": "
                        + JsonProblems.why(m), e);
            }
            if (e.getCause() instanceof JsonProcessingException p) {
                throw new IllegalArgumentException("not " + what + ": the value is not JSON (" + JsonProblems.unreadable(p)
                        + ")", e);
            }
            throw new IllegalArgumentException("not " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes one request, again and again while the failure may pass (the database is down or restarting): the record
     * is committed only once taken, so no upstream request is lost to an outage. Anything else (unreadable, invalid,
     * unknown) goes to the dead-letter topic with its reason.
     */
    @Incoming("workload-requests")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) throws InterruptedException {
        WAITING.run("request " + record.key() + " at " + record.topic() + "-" + record.partition() + "@"
                + record.offset(), () -> handle(record));
    }

    /** The value as a Kubernetes-style document, or null when it is something else (the typed records). */
    private static JsonNode document(String value) {
        if (value == null || !value.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            JsonNode tree = EventCodec.mapper().readTree(value);
            return SpecDocuments.isDocument(tree) ? tree : null;
        } catch (JsonProcessingException notJson) {
            return null; // the typed path words the reason
        }
    }

    /**
     * A document creates what its kind says. A {@code ce_type} is optional; one that names another request than the
     * kind's create is refused rather than guessed at.
     */
    private void handleDocument(JsonNode document, String type, String requestId) {
        SpecDocuments.Document d;
        try {
            d = SpecDocuments.read(document);
        } catch (InvalidDocumentException e) {
            throw new IllegalArgumentException("not a valid document: " + e.getMessage(), e);
        }
        String create = switch (d.kind()) {
            case TRAINING_JOB -> SUBMIT;
            case INFERENCE_SERVICE -> CREATE_SERVICE;
            case EXPERIMENT -> CREATE_EXPERIMENT;
        };
        if (type != null && !type.equals(create)) {
            throw new IllegalArgumentException("a " + d.kind().kind() + " document is sent with ce_type " + create
                    + " or none, not " + type);
        }
        InvalidWorkloadException.inTermsOf(d.kind(), () -> switch (d.kind()) {
            case TRAINING_JOB -> workloads.submit((TrainingJobSpec) d.spec(), requestId, "kafka").created();
            case INFERENCE_SERVICE -> services.create((InferenceServiceSpec) d.spec(), requestId, "kafka").created();
            case EXPERIMENT -> experiments.submit((TuningExperimentSpec) d.spec(), requestId);
        });
        LOG.debugf("request %s -> %s %s", requestId, d.kind().kind(), d.name());
    }

    private void handle(ConsumerRecord<String, String> record) {
        String type = KafkaHeaders.get(record, CloudEventHeaders.CE_TYPE);
        String id = KafkaHeaders.get(record, CloudEventHeaders.CE_ID);
        String value = record.value();
        String contentType = KafkaHeaders.get(record, CloudEventHeaders.CONTENT_TYPE);
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(STRUCTURED)) {
            // Structured mode: the envelope is the value; its attributes stand in for the ce_ headers.
            StructuredEvent e = StructuredEvent.read(value);
            type = e.type();
            id = e.id();
            value = e.data();
        }
        String requestId = record.key() != null ? record.key() : id;
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("a workload request needs a request id: the record key, or the "
                    + "CloudEvents id");
        }
        JsonNode document = document(value);
        if (document != null) {
            handleDocument(document, type, requestId);
        } else if (type == null || SUBMIT.equals(type)) {
            TrainingJobSpec spec = read(TrainingJobSpec.class, value, "a training job");
            var result = workloads.submit(spec, requestId, "kafka");
            LOG.debugf("request %s -> workload %s (created=%s)", requestId, result.workload().id(), result.created());
        } else if (CANCEL.equals(type)) {
            var cancel = read(WorkloadRequest.CancelWorkload.class, value, "a cancellation");
            try {
                workloads.cancel(cancel.workloadId(), cancel.reason());
            } catch (WorkloadConflictException e) {
                LOG.infof("cancel %s ignored: %s", requestId, e.getMessage()); // already finished: nothing to do
            } catch (WorkloadNotFoundException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        } else if (CREATE_SERVICE.equals(type)) {
            var spec = read(InferenceServiceSpec.class, value, "an inference service");
            var result = services.create(spec, requestId, "kafka");
            LOG.debugf("request %s -> inference service %s (created=%s)", requestId, result.service().name(),
                    result.created());
        } else if (CHANGE_SERVICE.equals(type)) {
            var change = read(WorkloadRequest.ChangeInferenceService.class, value, "an inference service change");
            services.change(change.name(), change.change());
        } else if (DELETE_SERVICE.equals(type)) {
            var delete = read(WorkloadRequest.DeleteInferenceService.class, value, "an inference service deletion");
            services.delete(delete.name(), delete.reason());
        } else if (CREATE_EXPERIMENT.equals(type)) {
            var spec = read(TuningExperimentSpec.class, value, "a tuning experiment");
            boolean created = experiments.submit(spec, requestId);
            LOG.debugf("request %s -> experiment %s (created=%s)", requestId, spec.name(), created);
        } else if (STOP_EXPERIMENT.equals(type)) {
            var stop = read(WorkloadRequest.StopExperiment.class, value, "an experiment stop");
            try {
                experiments.stop(stop.name(), stop.reason());
            } catch (WorkloadNotFoundException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        } else {
            throw new IllegalArgumentException("unknown request type '" + type + "', expected one of " + SUBMIT + ", "
                    + CANCEL + ", " + CREATE_SERVICE + ", " + CHANGE_SERVICE + ", " + DELETE_SERVICE + ", "
                    + CREATE_EXPERIMENT + ", " + STOP_EXPERIMENT);
        }
    }
}
