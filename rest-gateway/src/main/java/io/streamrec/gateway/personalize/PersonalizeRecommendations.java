package io.streamrec.gateway.personalize;

import io.streamrec.ranker.SageMakerScorer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.personalizeruntime.PersonalizeRuntimeClient;
import software.amazon.awssdk.services.personalizeruntime.PersonalizeRuntimeClientBuilder;
import software.amazon.awssdk.services.personalizeruntime.model.GetRecommendationsRequest;
import software.amazon.awssdk.services.personalizeruntime.model.GetRecommendationsResponse;
import software.amazon.awssdk.services.personalizeruntime.model.PredictedItem;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amazon Personalize GetRecommendations (restJson1 {@code POST /recommendations}) for one campaign or recommender,
 * bounded and guarded: one call is bounded by {@code timeout} (all attempts together), throttling and 5xx are
 * retried at most {@link #MAX_ATTEMPTS} times within it, and after {@link #BREAKER_FAILURES} failures in a row a
 * circuit breaker answers "unavailable" at once for {@link #BREAKER_OPEN}, then lets one call through to test.
 * Callers fall back to their own ranking on any {@link Unavailable}.
 *
 * <p>Pure Java (no CDI) so it is tested against a local server with the real SDK.
 */
public final class PersonalizeRecommendations implements AutoCloseable {
    /** Attempts per call, the first included; throttling and 5xx are retried with the SDK's back-off. */
    public static final int MAX_ATTEMPTS = 2;
    public static final int BREAKER_FAILURES = 5;
    public static final Duration BREAKER_OPEN = Duration.ofSeconds(30);
    /** GetRecommendations' limits (API reference). */
    public static final int MAX_RESULTS = 500;
    public static final int MAX_CONTEXT_ENTRIES = 150;

    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:personalize:([a-z0-9-]+):\\d{12}:(campaign|recommender)/([A-Za-z0-9][A-Za-z0-9_-]{0,62})");

    private final PersonalizeRuntimeClient client;
    private final Target target;
    private final String filterArn;
    private final CircuitBreaker breaker;

    /** What the ARN names: a campaign (custom solution) or a recommender (domain dataset group). */
    public record Target(String arn, String region, boolean recommender, String name) {
        /** Reads a campaign or recommender ARN; the region is the ARN's. */
        public static Target parse(String setting, String arn) {
            Matcher m = ARN.matcher(arn == null ? "" : arn.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException(setting + " must be a Personalize campaign or recommender ARN "
                        + "(arn:aws:personalize:REGION:ACCOUNT:campaign/NAME or .../recommender/NAME), got '" + arn + "'");
            }
            return new Target(arn.strip(), m.group(1), m.group(2).equals("recommender"), m.group(3));
        }
    }

    /** A request: the user, how many items, the filter parameters (may be empty) and the context (may be empty). */
    public record Query(String userId, int numResults, Map<String, String> filterValues, Map<String, String> context) {
        public Query {
            Objects.requireNonNull(userId, "userId");
            if (numResults < 1 || numResults > MAX_RESULTS) {
                throw new IllegalArgumentException("numResults must be 1.." + MAX_RESULTS + ", got " + numResults);
            }
            filterValues = filterValues == null ? Map.of() : Map.copyOf(filterValues);
            context = context == null ? Map.of() : Map.copyOf(context);
        }
    }

    /** One recommended item; {@code score} is null when the recipe gives none (recommenders, some recipes). */
    public record Recommended(String itemId, Double score) {
    }

    public record Answer(String recommendationId, List<Recommended> items) {
    }

    /** Why Personalize could not answer: {@code reason} is timeout, throttled, error or circuit-open. */
    public static final class Unavailable extends RuntimeException {
        private final String reason;

        Unavailable(String reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    public PersonalizeRecommendations(Target target, String filterArn, Duration timeout, URI endpointOverride,
                                      AwsCredentialsProvider credentials, Clock clock) {
        this.target = Objects.requireNonNull(target, "target");
        this.filterArn = filterArn == null || filterArn.isBlank() ? null : filterArn.strip();
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.breaker = new CircuitBreaker(BREAKER_FAILURES, BREAKER_OPEN, clock);
        PersonalizeRuntimeClientBuilder b = PersonalizeRuntimeClient.builder()
                .region(Region.of(target.region()))
                .credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(timeout)
                        .apiCallAttemptTimeout(timeout)
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build()));
        if (endpointOverride != null) {
            b.endpointOverride(endpointOverride);
        }
        this.client = b.build();
    }

    public Target target() {
        return target;
    }

    /** "personalize:&lt;campaign or recommender name&gt;", the response's {@code ranker}. */
    public String name() {
        return "personalize:" + target.name();
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** Calls GetRecommendations once (retries within the timeout); {@link Unavailable} when it cannot answer. */
    public Answer recommend(Query q) {
        if (!breaker.allow()) {
            throw new Unavailable("circuit-open", name() + ": " + BREAKER_FAILURES
                    + " failures in a row, not called for " + BREAKER_OPEN.toSeconds() + " s", null);
        }
        GetRecommendationsRequest.Builder r = GetRecommendationsRequest.builder()
                .userId(q.userId())
                .numResults(q.numResults());
        if (target.recommender()) {
            r.recommenderArn(target.arn());
        } else {
            r.campaignArn(target.arn());
        }
        if (filterArn != null) {
            r.filterArn(filterArn);
            if (!q.filterValues().isEmpty()) {
                r.filterValues(q.filterValues());
            }
        }
        if (!q.context().isEmpty()) {
            r.context(q.context());
        }
        GetRecommendationsResponse response;
        try {
            response = client.getRecommendations(r.build());
        } catch (SdkException e) {
            breaker.failure();
            String reason = SageMakerScorer.isTimeout(e) ? "timeout" : e instanceof AwsServiceException ase && ase.isThrottlingException()
                    ? "throttled" : "error";
            throw new Unavailable(reason, name() + " " + reason + ": " + firstLine(e.getMessage()), e);
        }
        breaker.success();
        List<Recommended> items = new ArrayList<>(response.itemList().size());
        for (PredictedItem p : response.itemList()) {
            if (p.itemId() != null && !p.itemId().isBlank()) {
                items.add(new Recommended(p.itemId(), p.score()));
            }
        }
        return new Answer(response.recommendationId(), items);
    }

    /**
     * The filter parameters for streamrec's query filters, as Personalize wants them: a category as a quoted string
     * value, prices as numbers. Only used when a filter ARN is configured; its expression names the parameters
     * ({@code $CATEGORY}, {@code $MIN_PRICE}, {@code $MAX_PRICE}).
     */
    public static Map<String, String> filterValues(String category, Double minPrice, Double maxPrice) {
        Map<String, String> v = new LinkedHashMap<>();
        if (category != null) {
            v.put("CATEGORY", "\"" + category.replace("\"", "\\\"") + "\"");
        }
        if (minPrice != null) {
            v.put("MIN_PRICE", number(minPrice));
        }
        if (maxPrice != null) {
            v.put("MAX_PRICE", number(maxPrice));
        }
        return v;
    }

    private static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        client.close();
    }
}
