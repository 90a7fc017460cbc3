package io.streamrec.connectors.common;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The AWS settings both connectors share, under a per-connector prefix ({@code personalize.}, {@code s3.}): region,
 * endpoint override and request timeout. Credentials always come from the SDK's default provider chain (environment,
 * system properties, profile, container and instance roles), never from connector configuration.
 */
public final class AwsSettings {
    public static final String REGION = "region";
    public static final String ENDPOINT = "endpoint";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";

    private AwsSettings() {
    }

    /** Adds {@code prefix + region}, {@code prefix + endpoint} and {@code prefix + request.timeout.ms} to {@code def}. */
    public static ConfigDef define(ConfigDef def, String prefix, String group, String service) {
        return def
                .define(prefix + REGION, ConfigDef.Type.STRING, "us-east-1", new NonBlank(), ConfigDef.Importance.HIGH,
                        "AWS region of " + service + ", for example eu-west-1.", group, 1, ConfigDef.Width.SHORT,
                        "Region")
                .define(prefix + ENDPOINT, ConfigDef.Type.STRING, "", new EndpointValidator(), ConfigDef.Importance.LOW,
                        "Endpoint URL that replaces the region's " + service + " endpoint (http or https), for a local "
                                + "or S3-compatible server; empty for AWS itself.", group, 2, ConfigDef.Width.LONG,
                        "Endpoint override")
                .define(prefix + REQUEST_TIMEOUT_MS, ConfigDef.Type.INT, 10_000, ConfigDef.Range.between(100, 600_000),
                        ConfigDef.Importance.LOW, "Time limit of one HTTP request to " + service + ", in milliseconds.",
                        group, 3, ConfigDef.Width.SHORT, "Request timeout");
    }

    /** Applies region, endpoint, timeouts, the default credential chain and the URL-connection HTTP client. */
    public static <B extends AwsClientBuilder<B, ?>> B configure(B builder, AbstractConfig config, String prefix) {
        builder.region(Region.of(config.getString(prefix + REGION).strip()));
        String endpoint = config.getString(prefix + ENDPOINT).strip();
        if (!endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        Duration timeout = Duration.ofMillis(config.getInt(prefix + REQUEST_TIMEOUT_MS));
        builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(UrlConnectionHttpClient.builder()
                    .connectionTimeout(timeout)
                    .socketTimeout(timeout));
        }
        return builder;
    }

    /** Rejects null and blank strings, naming the setting. */
    public static final class NonBlank implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isBlank()) {
                throw new ConfigException(name, value, "must not be empty");
            }
        }

        @Override
        public String toString() {
            return "non-empty string";
        }
    }

    /** Empty, or an absolute http(s) URL. */
    public static final class EndpointValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String s = value == null ? "" : value.toString().strip();
            if (s.isEmpty()) {
                return;
            }
            try {
                URI uri = new URI(s);
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw new ConfigException(name, value, "must be an http:// or https:// URL with a host");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException(name, value, "not a URL: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "empty, or an http(s) URL";
        }
    }
}
