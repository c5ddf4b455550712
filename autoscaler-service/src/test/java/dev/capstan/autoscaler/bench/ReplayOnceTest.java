package dev.capstan.autoscaler.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayOnceTest {

    @Test
    void aCountsFileIsTheArrivalsALiveRunPlayedOneLinePerSecond(@TempDir Path dir) throws Exception {
        Path played = dir.resolve("run-7.counts");
        Files.writeString(played, "2\n5\n0\n\n 3 \n");

        assertThat(ReplayOnce.trace(played).requestsPerSec()).containsExactly(2, 5, 0, 3);
        assertThat(ReplayOnce.trace(played).total()).isEqualTo(10);
    }
}
