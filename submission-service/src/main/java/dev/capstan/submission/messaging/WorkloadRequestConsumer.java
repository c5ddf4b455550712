package dev.capstan.submission.messaging;

import dev.capstan.events.CloudEventHeaders;
import dev.capstan.events.EventCodec;
import dev.capstan.events.EventTypes;
import dev.capstan.events.TrainingJobSpec;
import dev.capstan.events.WorkloadRequest;
import dev.capstan.submission.service.WorkloadConflictException;
import dev.capstan.submission.service.WorkloadNotFoundException;
import dev.capstan.submission.service.WorkloadService;
import dev.capstan.support.messaging.KafkaHeaders;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The Kafka ingress for upstream systems on {@code capstan.workload-requests}. The record key is the
 * request id (the same id twice yields one workload); the value is the REST body for a submit, or
 * {@code {"workloadId":…,"reason":…}} for a cancel ({@code ce_type} {@code dev.capstan.workload.cancel.v1}).
 * A record without {@code ce_type} is a submit. Anything unreadable or invalid is thrown, which sends the
 * record with the reason to {@code capstan.dlq.submission-service}, and the consumer goes on.
 */
@ApplicationScoped
public class WorkloadRequestConsumer {

    private static final Logger LOG = Logger.getLogger(WorkloadRequestConsumer.class);
    private static final String SUBMIT = EventTypes.typeOf(WorkloadRequest.SubmitTrainingJob.class);
    private static final String CANCEL = EventTypes.typeOf(WorkloadRequest.CancelWorkload.class);

    private final WorkloadService workloads;

    WorkloadRequestConsumer(WorkloadService workloads) {
        this.workloads = workloads;
    }

    @Incoming("workload-requests")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        String type = KafkaHeaders.get(record, CloudEventHeaders.CE_TYPE);
        String requestId = record.key() != null ? record.key() : KafkaHeaders.get(record, CloudEventHeaders.CE_ID);
        if (requestId == null || requestId.isBlank()) {
            throw new IllegalArgumentException("a workload request needs a request id as record key");
        }
        if (type == null || SUBMIT.equals(type)) {
            TrainingJobSpec spec = EventCodec.fromJson(TrainingJobSpec.class, record.value());
            var result = workloads.submit(spec, requestId, "kafka");
            LOG.debugf("request %s -> workload %s (created=%s)", requestId, result.workload().id(), result.created());
        } else if (CANCEL.equals(type)) {
            var cancel = EventCodec.fromJson(WorkloadRequest.CancelWorkload.class, record.value());
            try {
                workloads.cancel(cancel.workloadId(), cancel.reason());
            } catch (WorkloadConflictException e) {
                LOG.infof("cancel %s ignored: %s", requestId, e.getMessage()); // already finished: nothing to do
            } catch (WorkloadNotFoundException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        } else {
            throw new IllegalArgumentException("unknown request type '" + type + "', expected " + SUBMIT + " or "
                    + CANCEL);
        }
    }
}
