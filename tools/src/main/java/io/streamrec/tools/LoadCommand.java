package io.streamrec.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.tools.load.BatchSender;
import io.streamrec.tools.load.Catalog;
import io.streamrec.tools.load.EventJson;
import io.streamrec.tools.load.Inputs;
import io.streamrec.tools.load.ItemJson;
import io.streamrec.tools.load.OnlineRetailFormat;
import io.streamrec.tools.load.Progress;
import io.streamrec.tools.load.Row;
import io.streamrec.tools.load.SeqFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends a data set through the running gateways: the catalog first ({@code POST /items}), then the events
 * ({@code POST /events}), in batches, with progress on stderr and a summary on stdout.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send a data set as events (and its catalog) through the running gateways.",
                "online-retail: the UCI Online Retail CSV (gzip or not); every usable row becomes a 'purchase'"
                        + " (eventId or-<InvoiceNo>-<row>, so a reload is deduplicated). Catalog: title = first non-empty"
                        + " Description, price = most recent UnitPrice, no category (the data has none).",
                "seq: 'userId item1 item2 ...' lines; every item becomes a 'view' (see --event-type), "
                        + "the last item of each line is held out unless --all."})
public final class LoadCommand implements Callable<Integer> {

    public enum Format {
        ONLINE_RETAIL("online-retail"), SEQ("seq");

        final String cli;

        Format(String cli) {
            this.cli = cli;
        }

        static Format parse(String s) {
            for (Format f : values()) {
                if (f.cli.equals(s)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown format '" + s + "' (online-retail or seq)");
        }
    }

    @Option(names = "--format", required = true, converter = FormatConverter.class, description = "online-retail or seq")
    Format format;

    @Parameters(index = "0", paramLabel = "FILE", description = "the data file (gzip is detected)")
    Path file;

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "gateway base URL(s), comma-separated; requests go round-robin (default: ${DEFAULT-VALUE})")
    String urls;

    @picocli.CommandLine.Mixin
    ApiKeyOptions auth = new ApiKeyOptions();

    @Option(names = "--batch", defaultValue = "500", description = "events per request, 1..1000 (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--concurrency", defaultValue = "4", description = "requests in flight; one user's events always share one lane, so their order is kept (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--max-rate", defaultValue = "0", description = "send at most this many events per second; 0 = as fast as the gateways accept (default: ${DEFAULT-VALUE})")
    int maxRate;

    @Option(names = "--limit", defaultValue = "0", description = "read at most N data rows (seq: lines); 0 = all")
    long limit;

    @Option(names = "--max-retries", defaultValue = "10", description = "retries of a request answered 503/429/502/504 or failing to connect (default: ${DEFAULT-VALUE})")
    int maxRetries;

    @Option(names = "--request-timeout", defaultValue = "60", description = "seconds per request (default: ${DEFAULT-VALUE})")
    int requestTimeoutSeconds;

    @Option(names = "--no-items", description = "do not send the catalog")
    boolean noItems;

    @Option(names = "--dry-run", description = "read and map everything, send nothing")
    boolean dryRun;

    @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, plain or none (default: ${DEFAULT-VALUE}: a bar on a terminal, a line every 10 s otherwise)")
    String progress;

    @Option(names = "--keep-non-products", description = "online-retail: also send postage, fees, manual adjustments and gift vouchers")
    boolean keepNonProducts;

    @Option(names = "--holdout-last", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "seq: do not send the last item of each line (default: true, for leave-one-out evaluation)")
    boolean holdoutLast;

    @Option(names = "--all", description = "seq: send every item (same as --no-holdout-last)")
    boolean all;

    @Option(names = "--event-type", defaultValue = "view", description = "seq: event type of the interactions (default: ${DEFAULT-VALUE})")
    String eventType;

    @Option(names = "--base-time", defaultValue = "2024-01-01T00:00:00Z", description = "seq: time of the first event, ISO-8601 instant or 'now' (default: ${DEFAULT-VALUE})")
    String baseTime;

    @Option(names = "--step-seconds", defaultValue = "auto", description = "seq: seconds between consecutive events, or auto: 60, "
            + "shrunk so the whole file spans at most 7 days (default: ${DEFAULT-VALUE})")
    String stepSeconds;

    @Option(names = "--clock", defaultValue = "file-order", description = "seq: synthetic event times. file-order: line after line, "
            + "each event one step after the previous one; end-aligned: every line ends at the same instant (the moment every user "
            + "is asked for their next item, as in leave-one-out evaluation), events sent in time order, users interleaved "
            + "(default: ${DEFAULT-VALUE})")
    String clock;

    /** The longest line's sent events, for the end-aligned clock (pass 1). */
    private long endSlots;

    /** The seq step in ms once known (auto needs the event count of pass 1). */
    private long stepMillis = SeqFormat.DEFAULT_STEP_MILLIS;

    @Option(names = "--before", description = "send only events before this instant (ISO-8601, e.g. 2011-11-09T00:00:00Z); later rows are counted as held out")
    String before;

    public static final String SKIP_HELD_OUT = "at or after --before (held out)";

    @Option(names = "--id-prefix", defaultValue = "", description = "seq: prefix for user and item ids (default: none)")
    String idPrefix;

    @Option(names = "--wave", defaultValue = "0", description = "after every N events, wait until the running system has "
            + "processed everything sent (user and item side, see wait-processed), like live traffic that the item side keeps up "
            + "with; 0 = never (default: ${DEFAULT-VALUE})")
    long wave;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka, for --wave (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--application-id", defaultValue = "streamrec", description = "the gateways' Kafka Streams application id, for --wave (default: ${DEFAULT-VALUE})")
    String applicationId;

    @Option(names = "--wave-timeout", defaultValue = "900", description = "seconds to wait for one wave to be processed (default: ${DEFAULT-VALUE})")
    int waveTimeoutSeconds;

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return Format.parse(value);
        }
    }

    /** What one load did; printed at the end (also when it failed half-way). */
    static final class Summary {
        long rowsRead;
        long rowsUsed;
        long eventsRead;
        long itemsSent;
        final Map<String, Long> skipped = new LinkedHashMap<>();
        final BatchSender.Stats eventStats = new BatchSender.Stats();
        final BatchSender.Stats itemStats = new BatchSender.Stats();

        void count(Row row) {
            rowsRead++;
            if (row.isSkipped()) {
                skipped.merge(row.skipReason(), 1L, Long::sum);
            } else {
                rowsUsed++;
                eventsRead += row.events().size();
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        validate();
        PrintStream out = System.out;
        PrintStream err = System.err;
        List<URI> bases = dryRun ? List.of() : Urls.parse(urls);
        String unit = format == Format.SEQ ? "lines" : "rows";

        // Pass 1: count rows and gather the catalog, so items go first and the bar knows the total.
        err.printf("reading %s ...%n", file);
        Catalog catalog = new Catalog();
        long[] total = {0};
        long[] events = {0};
        long[] longest = {0};
        pass(noItems ? null : catalog, row -> {
            total[0]++;
            events[0] += row.events().size();
            longest[0] = Math.max(longest[0], row.events().size());
        });
        if (format == Format.SEQ) {
            long span = endAligned() ? longest[0] : events[0];
            stepMillis = "auto".equalsIgnoreCase(stepSeconds) ? SeqFormat.autoStepMillis(span) : parseStepMillis();
            endSlots = endAligned() ? longest[0] : 0;
            err.printf(Locale.ROOT, "synthetic event times: from %s, %.3f s apart%n", Instant.ofEpochMilli(baseTimeMillis()), stepMillis / 1000.0);
        }

        Summary summary = new Summary();
        long started = System.nanoTime();
        ObjectMapper json = new ObjectMapper();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        Duration requestTimeout = Duration.ofSeconds(requestTimeoutSeconds);
        String apiKey = auth.key(ApiKeyOptions.Role.INGEST);
        boolean ok = false;
        try {
            if (!noItems && catalog.size() > 0) {
                List<ItemJson> items = catalog.items();
                if (!dryRun) {
                    err.printf("sending %,d items to %s ...%n", items.size(), urls);
                    try (BatchSender itemSender = new BatchSender(client, bases, "/items", json, batch, concurrency,
                            maxRetries, requestTimeout, summary.itemStats, apiKey)) {
                        for (ItemJson item : items) {
                            itemSender.add(item.itemId(), item);
                        }
                        itemSender.flush();
                    }
                }
                summary.itemsSent = items.size();
            }

            Progress bar = new Progress(err, progressMode(), dryRun ? "mapping" : "loading", total[0], unit,
                    dryRun ? "mapped" : "accepted");
            if (dryRun) {
                pass(null, row -> {
                    summary.count(row);
                    bar.update(summary.rowsRead, summary.eventsRead);
                });
            } else {
                try (BatchSender sender = new BatchSender(client, bases, "/events", json, batch, concurrency,
                        maxRetries, requestTimeout, summary.eventStats, apiKey)) {
                    Pacer pacer = new Pacer(sender, err);
                    List<EventJson> timeOrdered = new ArrayList<>();
                    pass(null, row -> {
                        summary.count(row);
                        if (endAligned()) {
                            timeOrdered.addAll(row.events());
                            return;
                        }
                        pacer.endWaveIfFull(); // a wave ends at a row boundary, so an order's lines stay together
                        for (EventJson e : row.events()) {
                            pacer.send(e);
                        }
                        bar.update(summary.rowsRead, summary.eventStats.accepted.get());
                    });
                    if (endAligned()) {
                        // every line ends at the same instant: send in time order (stable: line order within an instant)
                        timeOrdered.sort(java.util.Comparator.comparingLong(EventJson::timestamp));
                        long rows = 0;
                        for (EventJson e : timeOrdered) {
                            pacer.endWaveIfFull();
                            pacer.send(e);
                            if (++rows % 1000 == 0) {
                                bar.update(summary.rowsRead * rows / timeOrdered.size(), summary.eventStats.accepted.get());
                            }
                        }
                    }
                    sender.flush();
                }
            }
            bar.finish(summary.rowsRead, dryRun ? summary.eventsRead : summary.eventStats.accepted.get());
            ok = true;
        } finally {
            printSummary(out, summary, (System.nanoTime() - started) / 1e9, ok);
        }
        return 0;
    }

    /**
     * Sends events at most {@code --max-rate} per second (checked every 100 events) and, with {@code --wave}, ends a
     * wave once that many were sent: flush, wait until user and item side processed everything, start pacing anew.
     */
    private final class Pacer {
        private final BatchSender sender;
        private final PrintStream err;
        private long paceStart = System.nanoTime();
        private long paced;
        private long sentInWave;

        Pacer(BatchSender sender, PrintStream err) {
            this.sender = sender;
            this.err = err;
        }

        void endWaveIfFull() {
            if (wave > 0 && sentInWave >= wave) {
                sender.flush();
                awaitWave(err);
                sentInWave = 0;
                paced = 0;
                paceStart = System.nanoTime();
            }
        }

        void send(EventJson e) {
            sender.add(e.key(), e);
            sentInWave++;
            if (maxRate > 0 && ++paced % 100 == 0) {
                long wait = paceStart + paced * 1_000_000_000L / maxRate - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
        }
    }

    private boolean endAligned() {
        return format == Format.SEQ && clock.equals("end-aligned");
    }

    private void awaitWave(PrintStream err) {
        try {
            WaitProcessedCommand.await(bootstrap, applicationId, waveTimeoutSeconds, err);
        } catch (ToolException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted while waiting for a wave to be processed");
        } catch (Exception e) {
            throw new ToolException("waiting for a wave to be processed: " + e.getMessage());
        }
    }

    private void validate() {
        if (!clock.equals("file-order") && !clock.equals("end-aligned")) {
            throw new ToolException("--clock must be file-order or end-aligned, got '" + clock + "'", 2);
        }
        if (wave < 0) {
            throw new ToolException("--wave must be >= 0", 2);
        }
        if (batch < 1 || batch > 1000) {
            throw new ToolException("--batch must be between 1 and 1000 (the gateway takes at most 1000 events a request)", 2);
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new ToolException("--concurrency must be between 1 and 64", 2);
        }
        if (maxRetries < 0) {
            throw new ToolException("--max-retries must be >= 0", 2);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ToolException("cannot read " + file + " (no such file, or not readable)", 2);
        }
        if (all) {
            holdoutLast = false;
        }
        if (!"auto".equalsIgnoreCase(stepSeconds)) {
            parseStepMillis();
        }
        if (eventType.isBlank()) {
            throw new ToolException("--event-type must not be blank", 2);
        }
        baseTimeMillis();
        progressMode();
        if (before != null) {
            beforeMillis();
        }
    }

    private long beforeMillis() {
        try {
            return Instant.parse(before).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ToolException("--before: not an ISO-8601 instant such as 2011-11-09T00:00:00Z: '" + before + "'", 2);
        }
    }

    private long parseStepMillis() {
        try {
            double secs = Double.parseDouble(stepSeconds);
            if (secs < 0 || Double.isNaN(secs) || Double.isInfinite(secs)) {
                throw new NumberFormatException();
            }
            return Math.round(secs * 1000);
        } catch (NumberFormatException e) {
            throw new ToolException("--step-seconds must be 'auto' or a number of seconds >= 0, got '" + stepSeconds + "'", 2);
        }
    }

    private long baseTimeMillis() {
        if ("now".equalsIgnoreCase(baseTime)) {
            return System.currentTimeMillis();
        }
        try {
            return Instant.parse(baseTime).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ToolException("--base-time: not an ISO-8601 instant such as 2024-01-01T00:00:00Z: '" + baseTime + "'", 2);
        }
    }

    private Progress.Mode progressMode() {
        return Progress.autoOrParse(progress);
    }

    /** One pass over the file. */
    private void pass(Catalog catalog, Consumer<Row> rawSink) throws IOException {
        Consumer<Row> sink = rawSink;
        if (before != null) {
            long cutoff = beforeMillis();
            sink = row -> {
                if (!row.isSkipped() && row.events().stream().anyMatch(e -> e.timestamp() >= cutoff)) {
                    rawSink.accept(Row.skipped(row.number(), SKIP_HELD_OUT));
                } else {
                    rawSink.accept(row);
                }
            };
        }
        try (BufferedReader in = Inputs.open(file, new AtomicLong())) {
            if (format == Format.ONLINE_RETAIL) {
                new OnlineRetailFormat(keepNonProducts).read(in, limit, catalog, sink);
            } else {
                new SeqFormat(holdoutLast, eventType, baseTimeMillis(), stepMillis, idPrefix, endSlots).read(in, limit, catalog, sink);
            }
        } catch (IOException e) {
            throw new ToolException("reading " + file + ": " + e.getMessage());
        }
    }

    private void printSummary(PrintStream out, Summary s, double seconds, boolean ok) {
        out.printf("%nload summary: %s %s%s%n", format.cli, file, ok ? "" : " (INCOMPLETE: stopped by an error)");
        out.printf(Locale.ROOT, "  %-26s %,12d%n", format == Format.SEQ ? "lines read" : "rows read", s.rowsRead);
        out.printf(Locale.ROOT, "  %-26s %,12d%n", format == Format.SEQ ? "lines used" : "rows used", s.rowsUsed);
        long skippedTotal = s.skipped.values().stream().mapToLong(Long::longValue).sum();
        out.printf(Locale.ROOT, "  %-26s %,12d%n", format == Format.SEQ ? "lines skipped" : "rows skipped", skippedTotal);
        s.skipped.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.printf(Locale.ROOT, "    %-56s %,10d%n", e.getKey(), e.getValue()));
        if (dryRun) {
            out.printf(Locale.ROOT, "  %-26s %,12d%n", "events (dry run, not sent)", s.eventsRead);
            out.printf(Locale.ROOT, "  %-26s %,12d%n", "items (dry run, not sent)", s.itemsSent);
        } else {
            out.printf(Locale.ROOT, "  %-26s %,12d%n", "events sent (accepted)", s.eventStats.accepted.get());
            out.printf(Locale.ROOT, "  %-26s %,12d%n", "items sent (accepted)", s.itemStats.accepted.get());
            out.printf(Locale.ROOT, "  %-26s %,12d (retries %,d)%n", "requests",
                    s.eventStats.requests.get() + s.itemStats.requests.get(),
                    s.eventStats.retries.get() + s.itemStats.retries.get());
        }
        long events = dryRun ? s.eventsRead : s.eventStats.accepted.get();
        out.printf(Locale.ROOT, "  %-26s %12.1f s (%,.0f events/s)%n", "time", seconds, events / Math.max(seconds, 1e-9));
        out.flush();
    }
}
