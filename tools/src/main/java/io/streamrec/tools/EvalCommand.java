package io.streamrec.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.schemas.Topics;
import io.streamrec.tools.eval.EvalData;
import io.streamrec.tools.eval.Metrics;
import io.streamrec.tools.load.Progress;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures recommendation quality through the running system: sends the data set's known history as events, waits
 * until Kafka Streams has processed all of it, trains the ranker (when available), asks
 * {@code GET /recommendations/{user}} for every evaluated user and scores the answers against the held-out targets,
 * next to baselines the harness computes itself from the same file.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure recommendation quality through the running system.",
                "seq: leave-one-out, full ranking over all items, the user's history excluded, every user (../shared/data/README.md).",
                "online-retail: purchases before --cutoff are history; a customer's targets are the items bought after it."})
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--format", required = true, description = "seq or online-retail")
    String format;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @picocli.CommandLine.Mixin
    ApiKeyOptions auth = new ApiKeyOptions();

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "gateway base URL(s), comma-separated (default: ${DEFAULT-VALUE})")
    String urls;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka, to wait until every event is processed (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--application-id", defaultValue = "streamrec", description = "the gateways' Kafka Streams application id (default: ${DEFAULT-VALUE})")
    String applicationId;

    @Option(names = "--k", defaultValue = "10", description = "list length (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--cutoff", defaultValue = "2011-11-09T00:00:00Z", description = "online-retail: history/target split (default: ${DEFAULT-VALUE})")
    String cutoff;

    @Option(names = "--load-rate", defaultValue = "1500", description = "events per second sent: the item side (co-occurrence, profiles) "
            + "must keep up for the training examples to see current profiles; 0 = as fast as accepted (default: ${DEFAULT-VALUE})")
    int loadRate;

    @Option(names = "--wave", defaultValue = "5000", description = "load in waves of this many events, waiting after each until the "
            + "system has processed it (user and item side), so that training examples are made from item profiles that are "
            + "as current as they are when serving, as with live traffic; 0 = one bulk load (default: ${DEFAULT-VALUE})")
    long wave;

    @Option(names = "--clock", defaultValue = "end-aligned", description = "seq: synthetic event times (see load --clock): "
            + "end-aligned, every user's history ends at the moment they are asked for their next item (default: ${DEFAULT-VALUE})")
    String clock;

    @Option(names = "--skip-load", description = "the data is already loaded")
    boolean skipLoad;

    @Option(names = "--train", negatable = true, defaultValue = "true", fallbackValue = "true", description = "train the ranker before querying (default: true)")
    boolean train;

    @Option(names = "--concurrency", defaultValue = "8", description = "queries in flight (default: ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--id-prefix", defaultValue = "", description = "seq: the prefix the loader put on ids (default: none)")
    String idPrefix;

    @Option(names = "--out", defaultValue = "eval/results", description = "directory for the JSON result (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--wait-timeout", defaultValue = "900", description = "seconds to wait for the system to process the load (default: ${DEFAULT-VALUE})")
    int waitTimeoutSeconds;

    @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, plain or none")
    String progress;

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        if (!format.equals("seq") && !format.equals("online-retail")) {
            throw new ToolException("--format must be seq or online-retail, got '" + format + "'", 2);
        }
        if (k < 1 || k > 500) {
            throw new ToolException("--k must be between 1 and 500", 2);
        }
        if (!Files.isReadable(file)) {
            throw new ToolException("cannot read " + file, 2);
        }
        PrintStream err = System.err;
        List<URI> bases = Urls.parse(urls);
        boolean seq = format.equals("seq");
        long cutoffMillis = seq ? 0 : parseInstant(cutoff);
        err.printf("reading %s for the evaluation protocol ...%n", file);
        EvalData data = seq ? EvalData.seq(file, idPrefix) : EvalData.onlineRetail(file, cutoffMillis);
        err.printf(Locale.ROOT, "%,d evaluated users, %,d cold users, %,d items%n", data.targets.size(), data.coldTargets.size(), data.allItems.size());

        long started = System.nanoTime();
        if (!skipLoad) {
            List<String> args = new ArrayList<>(List.of("load", "--format", format, file.toString(), "--url", urls, "--progress", progress,
                    "--max-rate", String.valueOf(loadRate), "--wave", String.valueOf(wave), "--bootstrap", bootstrap,
                    "--application-id", applicationId, "--wave-timeout", String.valueOf(waitTimeoutSeconds)));
            if (seq) {
                args.addAll(List.of("--id-prefix", idPrefix, "--clock", clock));
            } else {
                args.addAll(List.of("--before", cutoff));
            }
            args.addAll(auth.forward());
            int code = Main.commandLine().execute(args.toArray(String[]::new));
            if (code != 0) {
                throw new ToolException("loading the data set failed (exit " + code + ")");
            }
        }
        awaitProcessed(err);
        double loadSeconds = (System.nanoTime() - started) / 1e9;

        String trained = "no";
        if (train) {
            CommandLine cl = Main.commandLine();
            if (cl.getSubcommands().containsKey("train")) {
                List<String> trainArgs = new ArrayList<>(List.of("train", "--url", urls, "--bootstrap", bootstrap));
                trainArgs.addAll(auth.forward());
                int code = cl.execute(trainArgs.toArray(String[]::new));
                if (code != 0) {
                    throw new ToolException("training failed (exit " + code + ")");
                }
                trained = "yes";
            } else {
                err.println("train: no ranker trainer in this build; evaluating the system as it ranks untrained");
                trained = "not available";
            }
        }

        String params = seq ? "excludeSeen=true" : "excludePurchased=false";
        Map<String, List<String>> answers = query(bases, data.targets.keySet(), params, err);
        Map<String, List<String>> coldAnswers = query(bases, data.coldTargets.keySet(), params, err);

        List<String> byPop = data.byPopularity(k + 1000);
        Map<String, Metrics.Accumulator> warm = new LinkedHashMap<>();
        warm.put("streamrec", new Metrics.Accumulator());
        warm.put("popularity", new Metrics.Accumulator());
        if (!seq) {
            warm.put("buy-again", new Metrics.Accumulator());
        }
        for (Map.Entry<String, Set<String>> e : data.targets.entrySet()) {
            String user = e.getKey();
            List<String> history = data.history.get(user);
            Set<String> exclude = seq ? Set.copyOf(history) : Set.of();
            warm.get("streamrec").add(answers.getOrDefault(user, List.of()), e.getValue(), k);
            warm.get("popularity").add(EvalData.popular(byPop, exclude, k), e.getValue(), k);
            if (!seq) {
                warm.get("buy-again").add(EvalData.buyAgain(history, byPop, k), e.getValue(), k);
            }
        }
        Map<String, Metrics.Accumulator> cold = new LinkedHashMap<>();
        if (!data.coldTargets.isEmpty()) {
            cold.put("streamrec", new Metrics.Accumulator());
            cold.put("popularity", new Metrics.Accumulator());
            for (Map.Entry<String, Set<String>> e : data.coldTargets.entrySet()) {
                cold.get("streamrec").add(coldAnswers.getOrDefault(e.getKey(), List.of()), e.getValue(), k);
                cold.get("popularity").add(EvalData.popular(byPop, Set.of(), k), e.getValue(), k);
            }
        }

        PrintStream stdout = System.out;
        stdout.printf("%nevaluation: %s (%s), k=%d, ranker trained: %s%n", file.getFileName(), format, k, trained);
        printTable(stdout, seq ? "users (leave-one-out, full ranking, history excluded)" : "warm customers (history before " + cutoff + ")", warm);
        if (!cold.isEmpty()) {
            printTable(stdout, "cold customers (no history before " + cutoff + ")", cold);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("dataset", file.getFileName().toString());
        result.put("format", format);
        result.put("k", k);
        result.put("date", Instant.now().toString());
        result.put("rankerTrained", trained);
        result.put("loadAndProcessSeconds", Math.round(loadSeconds * 10) / 10.0);
        result.put("queryErrors", errors.get());
        result.put("warm", toJson(warm));
        if (!cold.isEmpty()) {
            result.put("cold", toJson(cold));
        }
        Files.createDirectories(out);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path target = out.resolve("eval-" + file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + stamp + ".json");
        json.writeValue(target.toFile(), result);
        stdout.printf("written %s%n", target);
        Metrics.Accumulator mine = warm.get("streamrec");
        stdout.printf(Locale.ROOT, "eval dataset=%s users=%d hr@%d=%.4f ndcg@%d=%.4f%n",
                file.getFileName(), mine.users(), k, mine.hr(), k, mine.ndcg());
        return 0;
    }

    private final AtomicLong errors = new AtomicLong();
    private String queryKey;

    private Map<String, List<String>> query(List<URI> bases, Set<String> users, String params, PrintStream err) throws InterruptedException {
        Map<String, List<String>> answers = new ConcurrentHashMap<>();
        if (users.isEmpty()) {
            return answers;
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        queryKey = auth.key(ApiKeyOptions.Role.QUERY);
        Semaphore inFlight = new Semaphore(concurrency);
        Progress bar = new Progress(err, Progress.autoOrParse(progress), "querying", users.size(), "users", "answered");
        AtomicLong done = new AtomicLong();
        int i = 0;
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (String user : users) {
            URI base = bases.get(i++ % bases.size());
            URI uri = URI.create(base + "/recommendations/" + URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20")
                    + "?count=" + k + "&" + params);
            inFlight.acquire();
            all.add(sendWithRetry(http, uri, 5).whenComplete((body, ex) -> {
                try {
                    if (ex == null && body != null) {
                        answers.put(user, itemIds(body));
                    } else {
                        errors.incrementAndGet();
                    }
                } finally {
                    inFlight.release();
                    long n = done.incrementAndGet();
                    bar.update(n, n);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(30, TimeUnit.MINUTES).exceptionally(x -> null).join();
        bar.finish(done.get(), done.get());
        if (errors.get() > 0) {
            err.printf("warning: %,d queries failed (counted as misses)%n", errors.get());
        }
        return answers;
    }

    private CompletableFuture<String> sendWithRetry(HttpClient http, URI uri, int retriesLeft) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Accept", "application/json").GET();
        if (queryKey != null) {
            b.header("Authorization", "Bearer " + queryKey);
        }
        HttpRequest req = b.build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
            if (r.statusCode() == 200) {
                return CompletableFuture.completedFuture(r.body());
            }
            if ((r.statusCode() == 503 || r.statusCode() == 429) && retriesLeft > 0) {
                return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS))
                        .thenCompose(x -> sendWithRetry(http, uri, retriesLeft - 1));
            }
            return CompletableFuture.failedFuture(new IOException(uri + " answered " + r.statusCode() + ": " + r.body()));
        });
    }

    private List<String> itemIds(String body) {
        try {
            JsonNode items = json.readTree(body).get("items");
            List<String> ids = new ArrayList<>();
            if (items != null) {
                items.forEach(n -> ids.add(n.get("itemId").asText()));
            }
            return ids;
        } catch (IOException e) {
            errors.incrementAndGet();
            return List.of();
        }
    }

    private void awaitProcessed(PrintStream err) throws Exception {
        WaitProcessedCommand.await(bootstrap, applicationId, waitTimeoutSeconds, err);
    }

    private static Map<String, Object> toJson(Map<String, Metrics.Accumulator> rows) {
        Map<String, Object> out = new LinkedHashMap<>();
        rows.forEach((name, m) -> {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("users", m.users());
            v.put("hr", round(m.hr()));
            v.put("precision", round(m.precision()));
            v.put("recall", round(m.recall()));
            v.put("ndcg", round(m.ndcg()));
            out.put(name, v);
        });
        return out;
    }

    private void printTable(PrintStream o, String title, Map<String, Metrics.Accumulator> rows) {
        o.printf("%n%s%n", title);
        o.printf(Locale.ROOT, "  %-12s %8s %9s %9s %9s %9s%n", "ranker", "users", "HR@" + k, "P@" + k, "R@" + k, "NDCG@" + k);
        rows.forEach((name, m) -> o.printf(Locale.ROOT, "  %-12s %8d %9.4f %9.4f %9.4f %9.4f%n",
                name, m.users(), m.hr(), m.precision(), m.recall(), m.ndcg()));
    }

    private static double round(double x) {
        return Math.round(x * 1e5) / 1e5;
    }

    private static long parseInstant(String s) {
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (RuntimeException e) {
            throw new ToolException("not an ISO-8601 instant: '" + s + "'", 2);
        }
    }
}
