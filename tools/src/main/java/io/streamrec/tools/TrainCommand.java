package io.streamrec.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.avro.TrainingExample;
import io.streamrec.ranker.FeatureSchema;
import io.streamrec.ranker.ModelWriter;
import io.streamrec.ranker.RankingMetrics;
import io.streamrec.ranker.StderrProgressBar;
import io.streamrec.ranker.TrainResult;
import io.streamrec.ranker.Trainer;
import io.streamrec.ranker.TrainerConfig;
import io.streamrec.ranker.TrainingGroup;
import io.streamrec.recommend.Features;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import io.streamrec.tools.load.Progress;
import io.streamrec.tools.train.TopicScan;
import io.streamrec.tools.train.TrainingData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Trains the ranker from the training examples the topology wrote: reads {@code streamrec.training-examples} from the
 * beginning to its current end (read_committed), trains xgboost4j rank:ndcg with a time-ordered validation split and
 * early stopping, writes a versioned model directory, prints the model's metrics next to the retrieval-score
 * baseline, and asks every gateway to reload.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the ranker from streamrec.training-examples and hand the model to the gateways.",
                "Groups: the examples of one user at one instant (an order's lines) form one group, every chosen item relevant.",
                "Each example already holds the chosen item and the other candidates as serving scored them (settings streamrec.training.hard-negatives, random-negatives)."})
public final class TrainCommand implements Callable<Integer> {
    @picocli.CommandLine.Mixin
    ApiKeyOptions auth = new ApiKeyOptions();

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "gateway base URL(s), comma-separated, to reload (default: ${DEFAULT-VALUE})")
    String urls;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--models-dir", description = "where model versions go (default: the directory the first gateway loads from, GET /models)")
    Path modelsDir;

    @Option(names = "--max-groups", defaultValue = "150000", description = "train on at most this many groups, the newest (default: ${DEFAULT-VALUE})")
    int maxGroups;

    @Option(names = "--max-rows", defaultValue = "4000000", description = "hold at most this many candidate rows while reading "
            + "(each a feature vector, about 0.3 KB): past it the oldest groups are dropped, so memory stays bounded (default: ${DEFAULT-VALUE})")
    long maxRows;

    @Option(names = "--rounds", defaultValue = "300", description = "most boosting rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--early-stopping", defaultValue = "25", description = "stop after this many rounds without a better validation NDCG@10 (default: ${DEFAULT-VALUE})")
    int earlyStopping;

    @Option(names = "--eta", defaultValue = "0.1", description = "learning rate (default: ${DEFAULT-VALUE})")
    double eta;

    @Option(names = "--max-depth", defaultValue = "6", description = "tree depth (default: ${DEFAULT-VALUE})")
    int maxDepth;

    @Option(names = "--min-child-weight", defaultValue = "1", description = "(default: ${DEFAULT-VALUE})")
    double minChildWeight;

    @Option(names = "--validation", defaultValue = "0.1", description = "share of groups, the newest, for validation (default: ${DEFAULT-VALUE})")
    double validation;

    @Option(names = "--threads", defaultValue = "0", description = "XGBoost threads, 0 = all cores (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--reload", negatable = true, defaultValue = "true", fallbackValue = "true", description = "ask the gateways to load the new model (default: true)")
    boolean reload;

    @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, plain or none")
    String progress;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        List<URI> gateways = Urls.parse(urls);
        Path dir = modelsDir != null ? modelsDir : modelsDirOf(gateways.get(0));
        TrainerConfig config = TrainerConfig.builder().maxRounds(rounds).earlyStoppingRounds(earlyStopping).eta(eta)
                .maxDepth(maxDepth).minChildWeight(minChildWeight).validationFraction(validation).threads(threads)
                .baselineFeature("c_retrieval").build();

        TrainingData data = read(err);
        err.printf(Locale.ROOT, "read %,d examples (%,d with another feature list, skipped); candidate recall %.4f, "
                        + "retrieval HR@10 %.4f, %.0f candidates on average; %,d groups%n",
                data.examples(), data.otherVersion(), data.candidateRecall(), data.retrievalHitRate(), data.meanCandidates(),
                data.groupCount());
        if (data.droppedGroups() > 0) {
            err.printf(Locale.ROOT, "kept the newest %,d candidate rows (--max-rows): %,d older groups dropped%n", data.rows(), data.droppedGroups());
        }
        List<TrainingGroup> groups = data.groups(maxGroups);
        if (groups.size() < 2) {
            throw new ToolException("not enough training examples yet (" + groups.size() + " usable groups): send events first");
        }
        TrainResult result = new Trainer(config, Progress.autoOrParse(progress) == Progress.Mode.NONE
                ? io.streamrec.ranker.ProgressListener.NONE : new StderrProgressBar()).train(groups, FeatureSchema.of(Features.NAMES));
        Path written = new ModelWriter(dir).write(result);

        PrintStream out = System.out;
        out.printf("%nmodel %s written to %s (%d trees, %.1f s)%n", written.getFileName(), written,
                result.treeCount(), result.trainingTime().toMillis() / 1000.0);
        out.printf(Locale.ROOT, "validation on the newest %,d groups (%s and later):%n", result.counts().validationGroups(),
                java.time.Instant.ofEpochMilli(result.counts().validationFrom()));
        out.printf(Locale.ROOT, "  %-26s %9s %9s%n", "ranking", "NDCG@10", "HR@10");
        row(out, "model", result.modelMetrics());
        row(out, "retrieval score (baseline)", result.baselineMetrics());
        row(out, "random", result.randomMetrics());
        out.printf(Locale.ROOT, "(within the sampled candidates of each group; candidate recall %.4f)%n", data.candidateRecall());

        if (reload) {
            for (URI g : gateways) {
                HttpResponse<String> r = http.send(withKey(HttpRequest.newBuilder(URI.create(g + "/admin/models/reload")))
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                out.printf("reload %s: HTTP %d %s%n", g, r.statusCode(), r.body());
            }
        }
        return 0;
    }

    /** The admin key (reload is an admin's; GET /models a query's, which admin includes). */
    private HttpRequest.Builder withKey(HttpRequest.Builder b) {
        String key = auth.key(ApiKeyOptions.Role.ADMIN);
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    private static void row(PrintStream out, String name, RankingMetrics m) {
        out.printf(Locale.ROOT, "  %-26s %9.4f %9.4f%n", name, m.ndcg(), m.hitRate());
    }

    /** The directory the gateway loads models from, as it says at GET /models. */
    private Path modelsDirOf(URI gateway) {
        try {
            HttpResponse<String> r = http.send(withKey(HttpRequest.newBuilder(URI.create(gateway + "/models"))).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode dir = r.statusCode() == 200 ? json.readTree(r.body()).get("directory") : null;
            if (dir != null && !dir.asText().isBlank()) {
                return Path.of(dir.asText());
            }
        } catch (Exception e) {
            // fall through
        }
        throw new ToolException("cannot ask " + gateway + " where its models go; pass --models-dir", 2);
    }

    private TrainingData read(PrintStream err) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-train");
        TrainingData data = new TrainingData(maxRows);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            io.streamrec.tools.train.ErasureList erased = io.streamrec.tools.train.ErasureList.read(consumer);
            TopicScan scan = TopicScan.of(consumer, Topics.TRAINING_EXAMPLES);
            if (scan == null) {
                throw new ToolException("topic " + Topics.TRAINING_EXAMPLES + " does not exist at " + bootstrap);
            }
            Progress bar = new Progress(err, Progress.autoOrParse(progress), "reading examples", scan.total(), "records", "read");
            long[] read = {0};
            long[] skipped = {0};
            scan.forEach(r -> {
                TrainingExample e = Serdes.TRAINING_EXAMPLE.deserialize(r.topic(), r.value());
                read[0]++;
                if (erased.erased(e.getUserKey())) {
                    skipped[0]++;
                } else {
                    data.add(e);
                }
            }, () -> bar.update(read[0], read[0]), null);
            bar.finish(read[0], read[0]);
            if (erased.size() > 0) {
                err.printf(Locale.ROOT, "skipped %,d examples of erased users (%,d erasures in %s)%n", skipped[0], erased.size(), Topics.ERASURES);
            }
        }
        return data;
    }
}
