package dev.capstan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Supervision: a service JVM that exits on its own is started again with back-off; one that is stopped is not. */
class ServiceProcessTest {

    @TempDir
    Path dir;

    @Test
    void theBackOffDoublesFromOneSecondToThirty() {
        assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 20).stream().map(ServiceProcess::restartDelay).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    }

    @Test
    void aServiceThatExitsOrIsKilledIsRestartedAndOneThatIsStoppedIsNot() throws Exception {
        Path starts = dir.resolve("starts");
        List<String> said = new CopyOnWriteArrayList<>();
        ServiceProcess p = new ServiceProcess("flaky", freePort(), launcherJar(), dir.resolve("logs/flaky.log"),
                Map.of("flaky.starts", starts.toString()), said::add);
        try {
            p.start();
            long first = p.pid();

            // The first run exits with code 3 after half a second: restarted after 1 s.
            await().atMost(Duration.ofSeconds(20)).until(() -> p.restarts() == 1);
            p.awaitReady(Duration.ofSeconds(20));
            assertThat(p.pid()).isNotEqualTo(first);
            assertThat(said).anyMatch(l -> l.startsWith("flaky exited with code 3; restarting in 1 s"));

            // kill -9 as an operator would: restarted again (a short run before: 2 s back-off).
            long second = p.pid();
            p.kill();
            await().atMost(Duration.ofSeconds(20)).until(() -> p.restarts() == 2);
            p.awaitReady(Duration.ofSeconds(20));
            assertThat(p.pid()).isNotEqualTo(second);
            assertThat(said).anyMatch(l -> l.startsWith("flaky exited with code 137; restarting in 2 s"));
        } finally {
            p.close();
        }
        Thread.sleep(3_000); // longer than the next back-off: a stopped service stays stopped
        assertThat(p.alive()).isFalse();
        assertThat(p.restarts()).isEqualTo(2);
        assertThat(Files.readString(starts).trim()).isEqualTo("3");
    }

    /** A jar holding only a manifest: FlakyService from this module's test classes. */
    private Path launcherJar() throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FlakyService.class.getName());
        Path classes = Path.of(FlakyService.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        Path jar = dir.resolve("flaky.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
