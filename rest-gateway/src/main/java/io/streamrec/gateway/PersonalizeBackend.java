package io.streamrec.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.streamrec.gateway.personalize.PersonalizeRecommendations;
import io.streamrec.processor.ProcessorConfig;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code streamrec.recommender=personalize}: {@code GET /recommendations/{userId}} asks Amazon Personalize
 * (GetRecommendations on the campaign or recommender of {@code streamrec.personalize.arn}) and falls back to
 * streamrec's own ranking when it fails, times out or its circuit breaker is open. With the default
 * {@code streamrec.recommender=streamrec} nothing here is created.
 */
@ApplicationScoped
@Startup
public class PersonalizeBackend {
    private static final Logger LOG = Logger.getLogger(PersonalizeBackend.class);
    public static final String STREAMREC = "streamrec";
    public static final String PERSONALIZE = "personalize";

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "streamrec.recommender", defaultValue = STREAMREC)
    String mode;

    @ConfigProperty(name = "streamrec.personalize.arn")
    Optional<String> arn;

    @ConfigProperty(name = "streamrec.personalize.filter-arn")
    Optional<String> filterArn;

    @ConfigProperty(name = "streamrec.personalize.timeout", defaultValue = "500ms")
    String timeoutText;

    @ConfigProperty(name = "streamrec.personalize.endpoint-override")
    Optional<String> endpointOverride;

    private PersonalizeRecommendations personalize;

    @PostConstruct
    void init() {
        if (!mode.equals(STREAMREC) && !mode.equals(PERSONALIZE)) {
            throw new IllegalArgumentException("streamrec.recommender must be streamrec or personalize, got '" + mode + "'");
        }
        if (mode.equals(STREAMREC)) {
            return;
        }
        String value = arn.filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalArgumentException(
                "streamrec.personalize.arn (a campaign or recommender ARN) is required when streamrec.recommender=personalize"));
        PersonalizeRecommendations.Target target = PersonalizeRecommendations.Target.parse("streamrec.personalize.arn", value);
        URI override = null;
        if (endpointOverride.isPresent() && !endpointOverride.get().isBlank()) {
            try {
                override = URI.create(endpointOverride.get().strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("streamrec.personalize.endpoint-override must be a URL, got '"
                        + endpointOverride.get() + "'");
            }
        }
        personalize = new PersonalizeRecommendations(target, filterArn.orElse(null),
                ProcessorConfig.parseDuration("streamrec.personalize.timeout", timeoutText), override, null,
                Clock.systemUTC());
        LOG.infof("recommender: Amazon Personalize %s %s (region %s), falling back to streamrec's ranking",
                target.recommender() ? "recommender" : "campaign", target.name(), target.region());
    }

    @PreDestroy
    void close() {
        if (personalize != null) {
            personalize.close();
        }
    }

    /** The Personalize client when {@code streamrec.recommender=personalize}. */
    public Optional<PersonalizeRecommendations> personalize() {
        return Optional.ofNullable(personalize);
    }

    void countFallback(String reason) {
        meters.counter("streamrec.personalize.fallbacks", "reason", reason).increment();
    }

    void countAnswer() {
        meters.counter("streamrec.personalize.answers").increment();
    }
}
