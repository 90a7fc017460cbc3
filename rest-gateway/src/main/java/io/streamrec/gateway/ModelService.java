package io.streamrec.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.ranker.FallbackScorer;
import io.streamrec.ranker.ModelRegistry;
import io.streamrec.ranker.SageMakerScorer;
import io.streamrec.ranker.ScoringException;
import io.streamrec.ranker.Scorer;
import io.streamrec.recommend.Features;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The ranking model in service: the newest valid model under {@code streamrec.models.dir} (loaded at start, hot-swapped
 * on {@code POST /admin/models/reload} or by polling), scored in-process, or on a SageMaker endpoint
 * ({@code streamrec.ranker=sagemaker}) with the local model as fallback. A model is used only when its feature list
 * is exactly the one the feature code builds ({@link Features#NAMES}); otherwise requests are ranked by retrieval score.
 */
@ApplicationScoped
@Startup
public class ModelService {
    private static final Logger LOG = Logger.getLogger(ModelService.class);
    public static final String LOCAL = "local";
    public static final String SAGEMAKER = "sagemaker";

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "streamrec.models.dir", defaultValue = "${java.io.tmpdir}/streamrec-models")
    String modelsDir;

    @ConfigProperty(name = "streamrec.models.poll-interval", defaultValue = "30s")
    String pollIntervalText;

    @ConfigProperty(name = "streamrec.ranker", defaultValue = LOCAL)
    String mode;

    @ConfigProperty(name = "streamrec.sagemaker.endpoint")
    Optional<String> endpoint;

    @ConfigProperty(name = "streamrec.sagemaker.region", defaultValue = "us-east-1")
    String region;

    @ConfigProperty(name = "streamrec.sagemaker.endpoint-override")
    Optional<String> endpointOverride;

    @ConfigProperty(name = "streamrec.sagemaker.timeout", defaultValue = "300ms")
    String timeoutText;

    private ModelRegistry registry;
    private SageMakerScorer sageMaker;
    private Scorer sageMakerWithFallback;

    /** What ranks a request: the scorer and its name for the response ("model:<version>" or "sagemaker:<endpoint>"). */
    public record Ranking(Scorer scorer, String name, String modelVersion) {
    }

    @PostConstruct
    void init() {
        if (!mode.equals(LOCAL) && !mode.equals(SAGEMAKER)) {
            throw new IllegalArgumentException("streamrec.ranker must be local or sagemaker, got '" + mode + "'");
        }
        Duration poll = ProcessorConfig.parseDuration("streamrec.models.poll-interval", pollIntervalText);
        Path root = Path.of(modelsDir);
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("streamrec.models.dir: cannot create " + root, e);
        }
        registry = new ModelRegistry(root, new ModelRegistry.Listener() {
            @Override
            public void activated(String version, String previousVersion) {
                meters.counter("streamrec.models.activated").increment();
            }

            @Override
            public void loadFailed(String version, String reason) {
                meters.counter("streamrec.models.load.failed").increment();
            }
        });
        registry.reload();
        if (!poll.isZero()) {
            registry.startPolling(poll);
        }
        if (mode.equals(SAGEMAKER)) {
            String name = endpoint.filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                    "streamrec.sagemaker.endpoint is required when streamrec.ranker=sagemaker"));
            SageMakerScorer.Config.Builder b = SageMakerScorer.Config.builder().endpointName(name).region(region)
                    .timeout(ProcessorConfig.parseDuration("streamrec.sagemaker.timeout", timeoutText))
                    .featureCount(Features.SIZE);
            endpointOverride.filter(s -> !s.isBlank()).ifPresent(u -> b.endpointOverride(URI.create(u)));
            sageMaker = new SageMakerScorer(b.build());
            sageMakerWithFallback = new FallbackScorer(sageMaker, registry.scorer(), (primary, cause) -> {
                boolean timeout = cause instanceof ScoringException se && se.isTimeout();
                meters.counter("streamrec.ranker.fallbacks", "ranker", SAGEMAKER, "reason", timeout ? "timeout" : "error").increment();
                LOG.debugf("SageMaker scoring failed, local model used: %s", cause.getMessage());
            });
        }
        LOG.infof("ranker: %s, models in %s, active model: %s", mode, root,
                registry.active().map(ModelRegistry.LoadedModel::version).orElse("none"));
    }

    @PreDestroy
    void close() {
        registry.close();
        if (sageMaker != null) {
            sageMaker.close();
        }
    }

    /** The active local model, when its features are the ones the gateway builds. */
    public Optional<ModelRegistry.LoadedModel> usableModel() {
        return registry.active().filter(m -> m.schema().names().equals(Features.NAMES));
    }

    /** How to rank now; empty when there is nothing to rank with (no usable local model in local mode). */
    public Optional<Ranking> ranking() {
        Optional<ModelRegistry.LoadedModel> model = usableModel();
        if (mode.equals(SAGEMAKER)) {
            return Optional.of(new Ranking(sageMakerWithFallback, sageMaker.name(),
                    model.map(ModelRegistry.LoadedModel::version).orElse(null)));
        }
        return model.map(m -> new Ranking(registry.scorer(), "model:" + m.version(), m.version()));
    }

    public ModelRegistry registry() {
        return registry;
    }

    public String mode() {
        return mode;
    }

    public Path directory() {
        return Path.of(modelsDir).toAbsolutePath();
    }
}
