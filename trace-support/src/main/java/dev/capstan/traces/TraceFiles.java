package dev.capstan.traces;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the trace formats of {@code shared/traces} into per-second demand. The format is recognised from the
 * header line:
 * <ul>
 *   <li>{@code HashFunction,HashApp,HashOwner,minute_1,…} (Azure Functions 2019, invitro sample): one trace per
 *       function row. Each minute's count is spread evenly over its 60 seconds: request {@code k} of
 *       {@code n} arrives at second {@code floor(k × 60 / n)} of the minute (deterministic, so a run is
 *       reproducible; a minute with one invocation has it at its first second).</li>
 *   <li>{@code TIMESTAMP,ContextTokens,GeneratedTokens} (Azure LLM inference 2023): one request per row, counted
 *       in the second (since the first row) it arrived in.</li>
 *   <li>anything else: the simple CSV {@code t_seconds,requests} (an optional non-numeric header line is
 *       skipped); requests of the same second are added up.</li>
 * </ul>
 */
public final class TraceFiles {

    private TraceFiles() {
    }

    /** Every trace the file holds (one per function for Azure Functions, else one). */
    public static List<Trace> read(Path file) throws IOException {
        return read(file, false);
    }

    /**
     * The trace with the most requests in the file: for Azure Functions the busiest function (the first of equals),
     * chosen from each row's per-minute total, so only that row is spread over seconds (a day of 1,000 functions is
     * 690 MB of per-second values, and the full 2019 dataset holds tens of thousands of functions a day); for the
     * other formats the file's one trace.
     */
    public static Trace busiest(Path file) throws IOException {
        return read(file, true).get(0);
    }

    private static List<Trace> read(Path file, boolean busiestOnly) throws IOException {
        String name = file.getFileName().toString();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String header = r.readLine();
            if (header == null) {
                throw new IOException(file + " is empty");
            }
            if (header.startsWith("HashFunction")) {
                return azureFunctions(name, r, busiestOnly);
            }
            if (header.startsWith("TIMESTAMP")) {
                return List.of(llmRequests(name, r));
            }
            return List.of(simple(name, header, r));
        }
    }

    /** Every function's row, or only the busiest one's (its per-minute total the highest, the first of equals). */
    private static List<Trace> azureFunctions(String name, BufferedReader r, boolean busiestOnly) throws IOException {
        List<Trace> out = new ArrayList<>();
        String best = null;
        int bestIndex = -1;
        long bestTotal = -1;
        String line;
        int index = 0;
        while ((line = r.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            if (!busiestOnly) {
                out.add(function(name, index, line));
            } else {
                long total = Arrays.stream(line.split(",")).skip(3).mapToLong(c -> Integer.parseInt(c.trim())).sum();
                if (total > bestTotal) {
                    best = line;
                    bestIndex = index;
                    bestTotal = total;
                }
            }
            index++;
        }
        if (busiestOnly) {
            if (best == null) {
                throw new IOException(name + " holds no function");
            }
            out.add(function(name, bestIndex, best));
        }
        return out;
    }

    /** One function's row: each minute's invocations spread evenly over its seconds. */
    private static Trace function(String name, int index, String line) {
        String[] cols = line.split(",");
        int minutes = cols.length - 3;
        double[] perSecond = new double[minutes * 60];
        for (int m = 0; m < minutes; m++) {
            int n = Integer.parseInt(cols[3 + m].trim());
            for (int k = 0; k < n; k++) {
                perSecond[m * 60 + (int) ((long) k * 60 / n)] += 1;
            }
        }
        return new Trace(name + ":" + index + ":" + cols[0].substring(0, Math.min(8, cols[0].length())), perSecond);
    }

    private static Trace llmRequests(String name, BufferedReader r) throws IOException {
        List<Long> seconds = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String ts = line.substring(0, line.indexOf(',')).trim().replace(' ', 'T');
            LocalDateTime t = LocalDateTime.parse(ts);
            seconds.add(t.toEpochSecond(ZoneOffset.UTC));
        }
        long first = seconds.stream().mapToLong(Long::longValue).min().orElse(0);
        long last = seconds.stream().mapToLong(Long::longValue).max().orElse(0);
        double[] perSecond = new double[(int) (last - first + 1)];
        for (long s : seconds) {
            perSecond[(int) (s - first)] += 1;
        }
        return new Trace(name, perSecond);
    }

    private static Trace simple(String name, String firstLine, BufferedReader r) throws IOException {
        List<double[]> rows = new ArrayList<>();
        addSimpleRow(rows, firstLine, true);
        String line;
        while ((line = r.readLine()) != null) {
            addSimpleRow(rows, line, false);
        }
        int len = 0;
        for (double[] row : rows) {
            len = Math.max(len, (int) Math.floor(row[0]) + 1);
        }
        double[] perSecond = new double[len];
        for (double[] row : rows) {
            perSecond[(int) Math.floor(row[0])] += row[1];
        }
        return new Trace(name, perSecond);
    }

    private static void addSimpleRow(List<double[]> rows, String line, boolean mayBeHeader) throws IOException {
        if (line.isBlank() || line.startsWith("#")) {
            return;
        }
        String[] cols = line.split(",");
        try {
            double t = Double.parseDouble(cols[0].trim());
            double n = Double.parseDouble(cols[1].trim());
            if (t < 0 || n < 0) {
                throw new IOException("negative value in line: " + line);
            }
            rows.add(new double[] {t, n});
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            if (!mayBeHeader) {
                throw new IOException("not a t_seconds,requests line: " + line, e);
            }
        }
    }
}
