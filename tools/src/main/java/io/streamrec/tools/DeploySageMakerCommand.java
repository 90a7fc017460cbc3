package io.streamrec.tools;

import io.streamrec.processor.ProcessorConfig;
import io.streamrec.ranker.ModelFiles;
import io.streamrec.tools.sagemaker.XgboostImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClientBuilder;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantInstanceType;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Deploys a model version to a SageMaker real-time endpoint running the built-in XGBoost container: uploads its
 * {@code model.tar.gz} to S3, creates the model, the endpoint configuration and the endpoint, waits (bounded) until the
 * endpoint is InService, and prints the gateway settings that use it.
 */
@Command(name = "deploy-sagemaker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Deploy a model version (a directory written by 'train', holding model.tar.gz) to an Amazon SageMaker endpoint running the region's built-in XGBoost image.",
                "Steps: S3 upload, CreateModel, CreateEndpointConfig, CreateEndpoint, then DescribeEndpoint until InService (bounded by --wait-timeout).",
                "Credentials: the AWS SDK's default chain (environment, profile, role). Bad options exit 2, AWS failures 1."})
public final class DeploySageMakerCommand implements Callable<Integer> {
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

    @Option(names = "--model", required = true, description = "model version directory (holds model.tar.gz), e.g. the models dir's newest")
    Path model;

    @Option(names = "--role", required = true, description = "IAM role SageMaker assumes to read the model (arn:aws:iam::ACCOUNT:role/NAME)")
    String role;

    @Option(names = "--bucket", required = true, description = "S3 bucket for model.tar.gz (in the endpoint's region)")
    String bucket;

    @Option(names = "--prefix", defaultValue = "streamrec/models", description = "key prefix in the bucket (default: ${DEFAULT-VALUE}); the key is PREFIX/VERSION/model.tar.gz")
    String prefix;

    @Option(names = "--region", description = "AWS region (default: AWS_REGION, else AWS_DEFAULT_REGION)")
    String region;

    @Option(names = "--endpoint-name", description = "endpoint name (default: streamrec-ranker-VERSION); the model and endpoint configuration get the same name")
    String endpointName;

    @Option(names = "--instance-type", defaultValue = "ml.m5.large", description = "instance type (default: ${DEFAULT-VALUE})")
    String instanceType;

    @Option(names = "--instance-count", defaultValue = "1", description = "instances (default: ${DEFAULT-VALUE})")
    int instanceCount;

    @Option(names = "--xgboost-version", defaultValue = XgboostImages.DEFAULT_TAG, description = "tag of the built-in XGBoost image (default: ${DEFAULT-VALUE})")
    String xgboostVersion;

    @Option(names = "--image", description = "container image URI instead of the region's built-in XGBoost image")
    String image;

    @Option(names = "--wait-timeout", defaultValue = "30m", description = "longest wait for InService (default: ${DEFAULT-VALUE})")
    String waitTimeoutText;

    @Option(names = "--poll-interval", defaultValue = "15s", description = "DescribeEndpoint every (default: ${DEFAULT-VALUE})")
    String pollIntervalText;

    @Option(names = "--call-timeout", defaultValue = "60s", description = "bound of each AWS call, retries included (default: ${DEFAULT-VALUE})")
    String callTimeoutText;

    @Option(names = "--s3-endpoint-url", description = "another S3 endpoint (a local S3-compatible server; path-style addressing)")
    URI s3Endpoint;

    @Option(names = "--sagemaker-endpoint-url", description = "another SageMaker API endpoint (a local server)")
    URI sageMakerEndpoint;

    // for tests: credentials, and the clock and pause of the wait loop
    AwsCredentialsProvider credentials;
    LongSupplier nanoTime = System::nanoTime;
    Pause pause = d -> Thread.sleep(d.toMillis());
    PrintStream out = System.out;

    interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    @Override
    public Integer call() throws Exception {
        Settings s = validate();
        AwsCredentialsProvider creds = credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
        long bytes = Files.size(s.archive());
        out.printf(Locale.ROOT, "[1/5] uploading %s (%,d bytes) to s3://%s/%s%n", s.archive(), bytes, bucket, s.key());
        try (S3Client s3 = s3(s, creds); SageMakerClient sm = sageMaker(s, creds)) {
            call("S3 PutObject", () -> s3.putObject(r -> r.bucket(bucket).key(s.key()).contentType("application/x-gzip"),
                    RequestBody.fromFile(s.archive())));
            String modelData = "s3://" + bucket + "/" + s.key();
            out.printf("[2/5] CreateModel %s (image %s)%n", s.name(), s.image());
            call("CreateModel", () -> sm.createModel(r -> r.modelName(s.name()).executionRoleArn(role)
                    .primaryContainer(c -> c.image(s.image()).modelDataUrl(modelData))));
            out.printf(Locale.ROOT, "[3/5] CreateEndpointConfig %s (%d x %s)%n", s.name(), instanceCount, instanceType);
            call("CreateEndpointConfig", () -> sm.createEndpointConfig(r -> r.endpointConfigName(s.name())
                    .productionVariants(v -> v.variantName("AllTraffic").modelName(s.name())
                            .initialInstanceCount(instanceCount).instanceType(instanceType).initialVariantWeight(1.0f))));
            out.printf("[4/5] CreateEndpoint %s%n", s.endpoint());
            call("CreateEndpoint", () -> sm.createEndpoint(r -> r.endpointName(s.endpoint()).endpointConfigName(s.name())));
            waitInService(sm, s);
        }
        out.println();
        out.println("The endpoint is in service. Configure the gateways with:");
        out.println("  streamrec.ranker=sagemaker");
        out.println("  streamrec.sagemaker.endpoint=" + s.endpoint());
        out.println("  streamrec.sagemaker.region=" + s.region());
        out.println("(as environment variables: STREAMREC_RANKER=sagemaker STREAMREC_SAGEMAKER_ENDPOINT=" + s.endpoint()
                + " STREAMREC_SAGEMAKER_REGION=" + s.region() + ")");
        return 0;
    }

    record Settings(Path archive, String region, String version, String name, String endpoint, String key, String image,
                    Duration waitTimeout, Duration pollInterval, Duration callTimeout) {
    }

    /** Every check before any request; a bad value is a usage error (exit 2) naming the option. */
    Settings validate() {
        if (!Files.isDirectory(model)) {
            throw usage("--model: no such directory: " + model);
        }
        Path archive = model.resolve(ModelFiles.ARCHIVE);
        if (!Files.isRegularFile(archive)) {
            throw usage("--model: " + model + " holds no " + ModelFiles.ARCHIVE + " (give a model version directory written by ./streamrec train)");
        }
        if (!ROLE_ARN.matcher(role).matches()) {
            throw usage("--role must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got '" + role + "'");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw usage("--bucket must be an S3 bucket name (3-63 lower-case letters, digits, '.', '-'), got '" + bucket + "'");
        }
        String r = region != null ? region : firstNonBlank(System.getenv("AWS_REGION"), System.getenv("AWS_DEFAULT_REGION"));
        if (r == null) {
            throw usage("--region is required (or set AWS_REGION)");
        }
        if (!REGION.matcher(r).matches()) {
            throw usage("--region must be a region name such as eu-west-1, got '" + r + "'");
        }
        String img;
        try {
            img = image != null ? image : XgboostImages.uri(r, xgboostVersion);
        } catch (IllegalArgumentException e) {
            throw usage("--region: " + e.getMessage());
        }
        if (instanceCount < 1 || instanceCount > 100) {
            throw usage("--instance-count must be 1..100, got " + instanceCount);
        }
        if (ProductionVariantInstanceType.fromValue(instanceType) == ProductionVariantInstanceType.UNKNOWN_TO_SDK_VERSION) {
            throw usage("--instance-type: '" + instanceType + "' is not a SageMaker hosting instance type (e.g. ml.m5.large)");
        }
        String version = model.toAbsolutePath().normalize().getFileName().toString();
        String name = trimName("streamrec-ranker-" + version.replaceAll("[^A-Za-z0-9]+", "-"));
        String endpoint = endpointName != null ? endpointName : name;
        if (!NAME.matcher(endpoint).matches()) {
            throw usage("--endpoint-name must be 1-63 letters, digits and '-' (not at either end), got '" + endpoint + "'");
        }
        String p = prefix.replaceAll("^/+|/+$", "");
        String key = (p.isEmpty() ? "" : p + "/") + version + "/" + ModelFiles.ARCHIVE;
        Duration wait = duration("--wait-timeout", waitTimeoutText);
        Duration poll = duration("--poll-interval", pollIntervalText);
        Duration callTimeout = duration("--call-timeout", callTimeoutText);
        if (callTimeout.isZero()) {
            throw usage("--call-timeout must be positive");
        }
        return new Settings(archive, r, version, name, endpoint, key, img, wait, poll, callTimeout);
    }

    private void waitInService(SageMakerClient sm, Settings s) throws InterruptedException {
        long start = nanoTime.getAsLong();
        long deadline = start + s.waitTimeout().toNanos();
        String last = null;
        while (true) {
            DescribeEndpointResponse d = call("DescribeEndpoint", () -> sm.describeEndpoint(r -> r.endpointName(s.endpoint())));
            long elapsed = Duration.ofNanos(nanoTime.getAsLong() - start).toSeconds();
            String status = d.endpointStatusAsString();
            if (!status.equals(last)) {
                out.printf(Locale.ROOT, "[5/5] endpoint %s: %s (%d s)%n", s.endpoint(), status, elapsed);
                last = status;
            } else {
                out.printf(Locale.ROOT, "      still %s (%d s)%n", status, elapsed);
            }
            if (d.endpointStatus() == EndpointStatus.IN_SERVICE) {
                return;
            }
            if (d.endpointStatus() == EndpointStatus.FAILED || d.endpointStatus() == EndpointStatus.OUT_OF_SERVICE
                    || d.endpointStatus() == EndpointStatus.DELETING) {
                throw new ToolException("endpoint " + s.endpoint() + " is " + status
                        + (d.failureReason() == null ? "" : ": " + d.failureReason()));
            }
            if (nanoTime.getAsLong() + s.pollInterval().toNanos() > deadline) {
                throw new ToolException("endpoint " + s.endpoint() + " not InService after " + s.waitTimeout().toSeconds()
                        + " s (still " + status + "); it keeps being created: check it in the SageMaker console or "
                        + "with 'aws sagemaker describe-endpoint --endpoint-name " + s.endpoint() + "'");
            }
            pause.pause(s.pollInterval());
        }
    }

    private S3Client s3(Settings s, AwsCredentialsProvider creds) {
        S3ClientBuilder b = S3Client.builder().region(Region.of(s.region())).credentialsProvider(creds)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.apiCallTimeout(s.callTimeout())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build()))
                // plain (not aws-chunked) bodies: what every S3-compatible server accepts
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false)
                        .pathStyleAccessEnabled(s3Endpoint != null).build());
        if (s3Endpoint != null) {
            b.endpointOverride(s3Endpoint);
        }
        return b.build();
    }

    private SageMakerClient sageMaker(Settings s, AwsCredentialsProvider creds) {
        SageMakerClientBuilder b = SageMakerClient.builder().region(Region.of(s.region())).credentialsProvider(creds)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.apiCallTimeout(s.callTimeout())
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build()));
        if (sageMakerEndpoint != null) {
            b.endpointOverride(sageMakerEndpoint);
        }
        return b.build();
    }

    private static <T> T call(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int nl = m.indexOf('\n');
            throw new ToolException(what + " failed: " + (nl < 0 ? m : m.substring(0, nl)));
        }
    }

    private static String trimName(String name) {
        String n = name.length() > 63 ? name.substring(0, 63) : name;
        return n.replaceAll("-+$", "");
    }

    private static Duration duration(String option, String text) {
        try {
            Duration d = ProcessorConfig.parseDuration(option, text);
            if (d.isNegative()) {
                throw usage(option + " must not be negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a.strip() : b != null && !b.isBlank() ? b.strip() : null;
    }

    private static ToolException usage(String message) {
        return new ToolException(message, 2);
    }
}
