package dev.capstan.autoscaler.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RevisionSamplesTest {

    @Test
    void aRevisionTheGatewayStoppedReportingIsNeitherKnownNorReady() {
        RevisionSamples samples = new RevisionSamples(600_000);
        for (long s = 0; s < 10; s++) {
            if (s < 5) {
                samples.add("v1-baseline", s * 1000, 10, 0, 40, 3); // its replicas went after second 4
            }
            samples.add("v1", s * 1000, 10, 0, 40, 5);
            samples.add(RevisionSamples.WHOLE, s * 1000, 20, 0, 40, 8);
        }

        assertThat(samples.knows("v1")).isTrue();
        assertThat(samples.ready("v1")).isEqualTo(5);
        assertThat(samples.knows("v1-baseline")).isFalse();
        assertThat(samples.ready("v1-baseline")).isZero();
        assertThat(samples.knows("v2")).isFalse();
    }

    @Test
    void beforeAnyWholeServiceSampleEveryReportedRevisionIsKnown() {
        RevisionSamples samples = new RevisionSamples(600_000);
        samples.add("v1", 0, 10, 0, 40, 2);

        assertThat(samples.knows("v1")).isTrue();
        assertThat(samples.ready("v1")).isEqualTo(2);
    }
}
