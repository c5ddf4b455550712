package dev.capstan.executor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void validNamesStayAsTheyAre() {
        assertThat(Names.dnsLabel("wl-0001-a1-master-0", 63)).isEqualTo("wl-0001-a1-master-0");
        assertThat(Names.workloadLabel("0b1c5a7e-9f3d-4c2e-8a61-2f0e9c3b7d11"))
                .isEqualTo("0b1c5a7e-9f3d-4c2e-8a61-2f0e9c3b7d11");
    }

    @Test
    void invalidOrLongNamesAreCleanedWithAHashSoTheyStayDistinct() {
        String a = Names.dnsLabel("Team_A/Job.1", 63);
        String b = Names.dnsLabel("team-a-job-1", 63);

        assertThat(a).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").startsWith("team-a-job-1-").isNotEqualTo(b);
        String longName = Names.dnsLabel("x".repeat(100), 63);
        assertThat(longName).hasSizeLessThanOrEqualTo(63);
        assertThat(longName).isEqualTo(Names.dnsLabel("x".repeat(100), 63)); // deterministic
    }

    @Test
    void serviceNamesStartWithALetter() {
        assertThat(Names.serviceName("wl-1", 2)).isEqualTo("wl-1-a2");
        assertThat(Names.serviceName("0b1c5a7e", 1)).isEqualTo("w-0b1c5a7e-a1");
        assertThat(Names.serviceName("y".repeat(80), 12)).hasSizeLessThanOrEqualTo(63).endsWith("-a12");
    }

    @Test
    void podNamesComeFromTheSchedulerOrFromTheirPlace() {
        assertThat(Names.podName("wl-1-a1-worker-3", "wl-1", 1, "worker", 3)).isEqualTo("wl-1-a1-worker-3");
        assertThat(Names.podName(null, "wl-1", 2, "worker", 3)).isEqualTo("wl-1-a2-worker-3");
    }
}
