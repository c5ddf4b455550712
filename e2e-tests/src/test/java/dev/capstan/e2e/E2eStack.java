package dev.capstan.e2e;

import dev.capstan.localstack.LocalStack;
import dev.capstan.localstack.kube.SimulatedClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one stack every end-to-end class shares (one broker per build): started by the first class that asks, stopped
 * when the test JVM ends. Its own broker on {@link #KAFKA_PORT}, its own embedded PostgreSQL (the kill test restarts
 * both), the simulated API server on {@link #KUBE_PORT}, and the services on their usual ports plus
 * {@link #SERVICE_PORT_OFFSET}, none of which {@code ./capstan up} uses, so the tests can run next to a developer's
 * local stack.
 *
 * <p>Classes that use it say {@code @ExtendWith(E2eStack.class)}: the stack is then stopped when the last test class
 * is done, inside the run (a JVM shutdown hook alone is cut short by Surefire after 30 s and leaves the services'
 * processes behind).
 */
final class E2eStack implements BeforeAllCallback {

    static final int KAFKA_PORT = 29092;
    static final int KUBE_PORT = 16443;
    /** Services on 28080-28086. */
    static final int SERVICE_PORT_OFFSET = 20000;
    /** The stack's own PostgreSQL, so that the kill test can restart it. */
    static final int EMBEDDED_PG_PORT = 25433;

    private static LocalStack stack;

    /** For JUnit: registers the stop with the run's root context. */
    E2eStack() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(E2eStack.class,
                k -> (AutoCloseable) E2eStack::stop);
    }

    /** Stops the stack, once. */
    static synchronized void stop() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    static synchronized LocalStack get() throws Exception {
        if (stack == null) {
            Path root = Path.of("..").toAbsolutePath().normalize();
            Path state = Path.of("target/e2e-stack").toAbsolutePath();
            SimulatedClusterConfig cluster = new SimulatedClusterConfig(KUBE_PORT, List.of(
                    new SimulatedClusterConfig.NodeGroup("a100", 4, "A100", 8, 81920, 96000, 786432, 2, 2),
                    new SimulatedClusterConfig.NodeGroup("t4", 4, "T4", 4, 16384, 48000, 196608, 1, 1)),
                    Duration.ofMillis(300), Duration.ofSeconds(3), 0.0, 7);
            LocalStack started = LocalStack.start(new LocalStack.Options(root, state, null, null, KAFKA_PORT,
                    KUBE_PORT, true, cluster, "_e2e", Duration.ofMinutes(10), SERVICE_PORT_OFFSET, EMBEDDED_PG_PORT,
                    2));
            Runtime.getRuntime().addShutdownHook(new Thread(E2eStack::stop, "e2e-stack-stop")); // a backstop
            stack = started;
        }
        return stack;
    }
}
