package dev.capstan.localstack;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for a service JVM in {@link ServiceProcessTest}: answers {@code /q/health/ready} on
 * {@code quarkus.http.port}, counts its starts in {@code flaky.starts}, and exits with code 3 half a second into its
 * first run, as a crashing service would.
 */
public final class FlakyService {

    private FlakyService() {
    }

    public static void main(String[] args) throws Exception {
        Path starts = Path.of(System.getProperty("flaky.starts"));
        int n = Files.exists(starts) ? Integer.parseInt(Files.readString(starts).trim()) + 1 : 1;
        Files.writeString(starts, Integer.toString(n));
        HttpServer http = HttpServer.create(
                new InetSocketAddress("127.0.0.1", Integer.getInteger("quarkus.http.port")), 0);
        http.createContext("/q/health/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        http.start();
        if (n == 1) {
            Thread.sleep(500);
            System.exit(3);
        }
        Thread.currentThread().join();
    }
}
