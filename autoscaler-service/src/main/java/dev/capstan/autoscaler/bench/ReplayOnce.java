package dev.capstan.autoscaler.bench;

import dev.capstan.autoscaler.domain.PolicyKind;
import dev.capstan.autoscaler.domain.ScalingSettings;
import dev.capstan.traces.Trace;
import dev.capstan.traces.TraceFiles;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The autoscaler's offline replay of one trace, as {@code ./capstan bench serving} compares the live system with it:
 * {@code ReplayOnce FILE SECONDS TARGET_RPS COLD_START_S QUEUE_TIMEOUT_S [POLICY]}. The trace is the file's busiest
 * one (as the local stack's gateway plays it), its first {@code SECONDS} seconds; the settings are the live
 * service's (min 0, max 1,000, scale to zero after 30 s, 70 % utilisation); demand beyond the ready replicas waits up
 * to the queue timeout and is dropped after it (the gateway's model, the replay's queued model). Prints one line:
 * {@code served_share=… replica_seconds=… demand=… scale_events=…}. With a seventh argument, a file, it also writes
 * one CSV line per second ({@code second,demand,replicas,ready,dropped}) there, to set beside the live system's.
 * A {@code FILE} ending in {@code .counts} holds one request count per line, one line per second: the arrivals a
 * live run actually played (the gateway draws Poisson arrivals around the trace's rate), replayed as they came.
 */
public final class ReplayOnce {

    private ReplayOnce() {
    }

    /** The file's busiest trace, or the per-second counts of a {@code .counts} file. */
    static Trace trace(Path file) throws java.io.IOException {
        if (file.getFileName().toString().endsWith(".counts")) {
            return new Trace(file.getFileName().toString(), java.nio.file.Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank()).mapToDouble(l -> Double.parseDouble(l.trim())).toArray());
        }
        return TraceFiles.busiest(file);
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int seconds = Integer.parseInt(args[1]);
        double targetRps = Double.parseDouble(args[2]);
        int coldStart = Integer.parseInt(args[3]);
        int queueTimeout = Integer.parseInt(args[4]);
        PolicyKind policy = args.length > 5 ? PolicyKind.parse(args[5]) : PolicyKind.CAPSTAN;
        Trace busiest = trace(file);
        double[] perSecond = busiest.requestsPerSec();
        double[] prefix = new double[seconds];
        for (int t = 0; t < seconds; t++) {
            prefix[t] = perSecond[t % perSecond.length]; // looped, as the gateway plays it
        }
        Trace played = new Trace(busiest.name(), prefix);
        ScalingSettings settings = ReplaySimulator.settings(busiest.name(), targetRps, coldStart, queueTimeout);
        java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of("second,demand,replicas,ready,dropped"));
        ReplaySimulator.Result r = ReplaySimulator.replay(played, settings, policy.create(), queueTimeout,
                s -> lines.add(String.format(Locale.ROOT, "%d,%.0f,%d,%d,%.2f", s.t(), s.demand(), s.replicas(),
                        s.ready(), s.dropped())));
        if (args.length > 6) {
            java.nio.file.Files.write(Path.of(args[6]), lines);
        }
        System.out.printf(Locale.ROOT, "served_share=%.5f replica_seconds=%d demand=%.0f scale_events=%d%n",
                r.demand() == 0 ? 1 : r.served() / r.demand(), r.replicaSeconds(), r.demand(), r.scaleEvents());
    }
}
