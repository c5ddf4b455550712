package dev.capstan.traces;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three trace formats, each recognised by its header, read into requests per second. */
class TraceFilesTest {

    @TempDir
    Path dir;

    @Test
    void azureFunctionsRowsAreOneTraceEachWithEveryMinuteSpreadOverItsSeconds() throws Exception {
        Path f = Files.writeString(dir.resolve("inv.csv"), """
                HashFunction,HashApp,HashOwner,1,2
                f1,a,o,120,0
                f2,a,o,1,60
                """);

        List<Trace> traces = TraceFiles.read(f);

        assertThat(traces).hasSize(2);
        assertThat(traces.get(0).requestsPerSec()).hasSize(120);
        assertThat(traces.get(0).total()).isEqualTo(120);
        assertThat(traces.get(0).requestsPerSec()[0]).isEqualTo(2);
        assertThat(traces.get(0).requestsPerSec()[60]).isZero();
        assertThat(traces.get(1).requestsPerSec()[0]).isEqualTo(1); // one call: the minute's first second
        assertThat(traces.get(1).total()).isEqualTo(61);
    }

    @Test
    void llmRequestsAreCountedInTheSecondTheyArrived() throws Exception {
        Path f = Files.writeString(dir.resolve("llm.csv"), """
                TIMESTAMP,ContextTokens,GeneratedTokens
                2023-11-16 18:15:46.6805900,374,44
                2023-11-16 18:15:46.9951690,396,109
                2023-11-16 18:15:49.0000000,10,1
                """);

        Trace t = TraceFiles.read(f).get(0);

        assertThat(t.requestsPerSec()).containsExactly(2, 0, 0, 1); // by wall-clock second: :46, :46, :49
    }

    @Test
    void theSimpleCsvAddsUpRequestsOfTheSameSecond() throws Exception {
        Path f = Files.writeString(dir.resolve("simple.csv"), "t_seconds,requests\n0,3\n0,2\n2,7\n");

        assertThat(TraceFiles.read(f).get(0).requestsPerSec()).containsExactly(5, 0, 7);
    }

    @Test
    void theBusiestFunctionIsTheRowWithTheMostInvocationsTheFirstOfEquals() throws Exception {
        Path f = Files.writeString(dir.resolve("inv.csv"), """
                HashFunction,HashApp,HashOwner,1,2
                f1,a,o,120,0
                f2,a,o,1,160

                f3,a,o,100,61
                f4,a,o,0,3
                """);

        Trace busiest = TraceFiles.busiest(f);

        assertThat(busiest.name()).isEqualTo("inv.csv:1:f2");
        assertThat(busiest.requestsPerSec()).containsExactly(TraceFiles.read(f).get(1).requestsPerSec());
    }

    @Test
    void theBusiestOfAOneTraceFileIsThatTrace() throws Exception {
        Path f = Files.writeString(dir.resolve("simple.csv"), "t_seconds,requests\n0,3\n2,7\n");

        assertThat(TraceFiles.busiest(f).requestsPerSec()).containsExactly(3, 0, 7);
    }
}
