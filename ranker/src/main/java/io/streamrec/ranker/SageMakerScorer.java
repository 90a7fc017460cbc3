package io.streamrec.ranker;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClientBuilder;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointResponse;

/**
 * Scores on an Amazon SageMaker endpoint running the built-in XGBoost container with a model from
 * {@link ModelWriter} ({@code model.tar.gz}).
 *
 * <p>One {@code InvokeEndpoint} call per {@link #score} call: the body is {@code text/csv}, one line per row, values
 * in the model's feature order, no header and no label column (missing values as empty fields); the container
 * answers one score per row, separated by commas or newlines depending on its version. A JSON answer
 * ({@code {"predictions":[{"score":..}]}}) is read too, in case the endpoint ignores {@code Accept}.
 *
 * <p>Requests go through the JDK-based HTTP client, with no retries by default: a caller that has a fallback
 * ({@link FallbackScorer}) is better served by failing fast than by waiting for a second attempt.
 */
public final class SageMakerScorer implements Scorer, AutoCloseable {

    static final String CSV = "text/csv";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SageMakerRuntimeClient client;
    private final String endpointName;
    private final int featureCount;

    public SageMakerScorer(Config config) {
        this.endpointName = config.endpointName;
        this.featureCount = config.featureCount;
        RetryStrategy retries = config.maxAttempts <= 1 ? AwsRetryStrategy.doNotRetry()
                : AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(config.maxAttempts).build();
        SageMakerRuntimeClientBuilder builder = SageMakerRuntimeClient.builder()
                .region(Region.of(config.region))
                .credentialsProvider(config.credentials != null ? config.credentials
                        : DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(config.timeout)
                        .socketTimeout(config.timeout))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(config.timeout)
                        .apiCallAttemptTimeout(config.timeout)
                        .retryStrategy(retries));
        if (config.endpointOverride != null) {
            builder.endpointOverride(config.endpointOverride);
        }
        this.client = builder.build();
    }

    @Override
    public float[] score(float[][] rows) {
        if (featureCount > 0) {
            Rows.requireWidth(rows, featureCount);
        } else if (rows.length > 0) {
            Rows.requireWidth(rows, rows[0] == null ? 0 : rows[0].length);
        }
        if (rows.length == 0) {
            return new float[0];
        }
        InvokeEndpointRequest request = InvokeEndpointRequest.builder()
                .endpointName(endpointName)
                .contentType(CSV)
                .accept(CSV)
                .body(SdkBytes.fromUtf8String(toCsv(rows)))
                .build();
        InvokeEndpointResponse response;
        try {
            response = client.invokeEndpoint(request);
        } catch (SdkException e) {
            boolean timeout = isTimeout(e);
            throw new ScoringException(name() + (timeout ? " timed out: " : " failed: ")
                    + LocalXgbScorer.firstLine(e.getMessage()), e, timeout);
        }
        return parseScores(response.body().asUtf8String(), rows.length);
    }

    @Override
    public String name() {
        return "sagemaker:" + endpointName;
    }

    @Override
    public void close() {
        client.close();
    }

    /** One line per row; {@code NaN} becomes an empty field, which the container reads as missing. */
    static String toCsv(float[][] rows) {
        StringBuilder csv = new StringBuilder(rows.length * rows[0].length * 8);
        for (int r = 0; r < rows.length; r++) {
            if (r > 0) {
                csv.append('\n');
            }
            float[] row = rows[r];
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    csv.append(',');
                }
                if (!Float.isNaN(row[i])) {
                    csv.append(row[i]);
                }
            }
        }
        return csv.toString();
    }

    /** Reads the scores from a CSV answer (comma- or newline-separated) or a JSON one. */
    float[] parseScores(String body, int expected) {
        String text = body.strip();
        List<Float> scores = new ArrayList<>(expected);
        try {
            if (text.startsWith("{") || text.startsWith("[")) {
                JsonNode root = JSON.readTree(text);
                JsonNode predictions = root.isObject() ? root.path("predictions") : root;
                for (JsonNode p : predictions) {
                    JsonNode score = p.isObject() ? p.path("score") : p;
                    if (!score.isNumber()) {
                        throw new ScoringException(name() + ": a prediction without a numeric score: " + p);
                    }
                    scores.add(score.floatValue());
                }
            } else if (!text.isEmpty()) {
                for (String value : text.split("[,\\s]+")) {
                    scores.add(Float.parseFloat(value));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new ScoringException(name() + ": unreadable answer: " + abbreviate(text), e, false);
        }
        if (scores.size() != expected) {
            throw new ScoringException(name() + " answered " + scores.size() + " scores for " + expected
                    + " rows: " + abbreviate(text));
        }
        float[] result = new float[expected];
        for (int i = 0; i < expected; i++) {
            result[i] = scores.get(i);
        }
        return result;
    }

    /** Whether an AWS SDK failure was a timeout (of the call, an attempt, or the socket) anywhere in its causes. */
    public static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException
                    || t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /**
     * Where and how to call the endpoint.
     *
     * <p>{@code endpointName} and {@code region} are required. {@code timeout} (default 300 ms) bounds the whole
     * call, connection included. {@code featureCount}, when set, rejects rows of another width before any request.
     * {@code credentials} default to the SDK's default chain (environment, profile, container or instance role);
     * {@code endpointOverride} points the client at another host, such as a local test server.
     */
    public static final class Config {
        private final String endpointName;
        private final String region;
        private final URI endpointOverride;
        private final Duration timeout;
        private final int maxAttempts;
        private final int featureCount;
        private final AwsCredentialsProvider credentials;

        private Config(Builder b) {
            this.endpointName = requireText(b.endpointName, "endpointName");
            this.region = requireText(b.region, "region");
            this.endpointOverride = b.endpointOverride;
            this.timeout = Objects.requireNonNull(b.timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            if (b.maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, got " + b.maxAttempts);
            }
            if (b.featureCount < 0) {
                throw new IllegalArgumentException("featureCount must be >= 0, got " + b.featureCount);
            }
            this.maxAttempts = b.maxAttempts;
            this.featureCount = b.featureCount;
            this.credentials = b.credentials;
        }

        public static Builder builder() {
            return new Builder();
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " is required for the SageMaker scorer");
            }
            return value;
        }

        public static final class Builder {
            private String endpointName;
            private String region;
            private URI endpointOverride;
            private Duration timeout = Duration.ofMillis(300);
            private int maxAttempts = 1;
            private int featureCount;
            private AwsCredentialsProvider credentials;

            public Builder endpointName(String v) {
                endpointName = v;
                return this;
            }

            public Builder region(String v) {
                region = v;
                return this;
            }

            public Builder endpointOverride(URI v) {
                endpointOverride = v;
                return this;
            }

            public Builder timeout(Duration v) {
                timeout = v;
                return this;
            }

            /** Attempts per call including the first; 1 (the default) means no retry. */
            public Builder maxAttempts(int v) {
                maxAttempts = v;
                return this;
            }

            public Builder featureCount(int v) {
                featureCount = v;
                return this;
            }

            public Builder credentials(AwsCredentialsProvider v) {
                credentials = v;
                return this;
            }

            public Config build() {
                return new Config(this);
            }
        }
    }
}
