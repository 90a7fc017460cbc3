package io.streamrec.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamrec.tools.sagemaker.XgboostImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy-sagemaker through the real SDK against one local server that speaks both protocols: S3 PutObject (path-style
 * {@code PUT /bucket/key}, plain body) and SageMaker's awsJson1_1 ({@code POST /}, {@code X-Amz-Target: SageMaker.*}),
 * whose DescribeEndpoint answers Creating, Creating, then InService (or what a test scripts).
 */
class DeploySageMakerCommandTest {
    static final String ROLE = "arn:aws:iam::123456789012:role/streamrec-sagemaker";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    HttpServer server;
    final List<String> targets = new CopyOnWriteArrayList<>();
    final Map<String, JsonNode> bodies = new ConcurrentHashMap<>();
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final List<String> s3Headers = new CopyOnWriteArrayList<>();
    final ConcurrentLinkedQueue<String> statuses = new ConcurrentLinkedQueue<>(List.of("Creating", "Creating", "InService"));
    final AtomicLong now = new AtomicLong();
    Path modelDir;
    byte[] archive;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        modelDir = Files.createDirectories(tmp.resolve("20261204-101500"));
        archive = new byte[70_000];
        for (int i = 0; i < archive.length; i++) {
            archive[i] = (byte) (i * 31 + 7);
        }
        Files.write(modelDir.resolve("model.tar.gz"), archive);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (ex.getRequestMethod().equals("PUT")) {
            objects.put(ex.getRequestURI().getPath(), body);
            s3Headers.add(String.valueOf(ex.getRequestHeaders().getFirst("Content-Encoding")) + "|"
                    + ex.getRequestHeaders().getFirst("Authorization"));
            ex.getResponseHeaders().add("ETag", "\"etag\"");
            ex.sendResponseHeaders(200, -1);
            ex.close();
            return;
        }
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (!"POST".equals(ex.getRequestMethod()) || !"/".equals(ex.getRequestURI().getPath()) || target == null
                || !target.startsWith("SageMaker.") || !"application/x-amz-json-1.1".equals(contentType)) {
            reply(ex, 400, "{\"__type\":\"UnknownOperationException\"}");
            return;
        }
        String op = target.substring("SageMaker.".length());
        targets.add(op);
        bodies.put(op, JSON.readTree(body));
        switch (op) {
            case "CreateModel" -> reply(ex, 200, "{\"ModelArn\":\"arn:aws:sagemaker:eu-west-1:123456789012:model/m\"}");
            case "CreateEndpointConfig" -> reply(ex, 200, "{\"EndpointConfigArn\":\"arn:aws:sagemaker:eu-west-1:123456789012:endpoint-config/c\"}");
            case "CreateEndpoint" -> reply(ex, 200, "{\"EndpointArn\":\"arn:aws:sagemaker:eu-west-1:123456789012:endpoint/e\"}");
            case "DescribeEndpoint" -> {
                String status = statuses.size() > 1 ? statuses.poll() : statuses.peek();
                String failure = status.equals("Failed") ? ",\"FailureReason\":\"The model data archive is invalid\"" : "";
                reply(ex, 200, "{\"EndpointName\":\"" + bodies.get(op).path("EndpointName").asText()
                        + "\",\"EndpointArn\":\"arn:aws:sagemaker:eu-west-1:123456789012:endpoint/e\","
                        + "\"EndpointConfigName\":\"c\",\"EndpointStatus\":\"" + status + "\",\"CreationTime\":1764842400,"
                        + "\"LastModifiedTime\":1764842400" + failure + "}");
            }
            default -> reply(ex, 400, "{\"__type\":\"UnknownOperationException\"}");
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    record Run(int exit, String out, String err) {
    }

    private Run run(String... extra) {
        DeploySageMakerCommand cmd = new DeploySageMakerCommand();
        cmd.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDSTREAMREC", "secret"));
        cmd.nanoTime = now::get;
        cmd.pause = d -> now.addAndGet(d.toNanos()); // the fake clock moves by the pause
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cmd.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        StringWriter err = new StringWriter();
        CommandLine cl = Main.withErrorHandler(new CommandLine(cmd));
        cl.setErr(new PrintWriter(err, true));
        cl.setOverwrittenOptionsAllowed(true); // a test's options replace the defaults below
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        List<String> args = new ArrayList<>(List.of("--model", modelDir.toString(), "--role", ROLE, "--bucket", "models-bucket",
                "--region", "eu-west-1", "--poll-interval", "10s", "--wait-timeout", "60s",
                "--s3-endpoint-url", url, "--sagemaker-endpoint-url", url));
        args.addAll(Arrays.asList(extra));
        int exit = cl.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
    }

    @Test
    void uploadsCreatesAndWaitsUntilInServiceThenPrintsTheSettings() {
        Run r = run();
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(archive, objects.get("/models-bucket/streamrec/models/20261204-101500/model.tar.gz"), "the archive, byte for byte");
        assertTrue(s3Headers.get(0).startsWith("null|AWS4-HMAC-SHA256 Credential=AKIDSTREAMREC/"), "plain signed body: " + s3Headers);
        assertEquals(List.of("CreateModel", "CreateEndpointConfig", "CreateEndpoint", "DescribeEndpoint", "DescribeEndpoint",
                "DescribeEndpoint"), targets);
        String name = "streamrec-ranker-20261204-101500";
        JsonNode model = bodies.get("CreateModel");
        assertEquals(name, model.path("ModelName").asText());
        assertEquals(ROLE, model.path("ExecutionRoleArn").asText());
        assertEquals("141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1", model.path("PrimaryContainer").path("Image").asText());
        assertEquals("s3://models-bucket/streamrec/models/20261204-101500/model.tar.gz",
                model.path("PrimaryContainer").path("ModelDataUrl").asText());
        JsonNode config = bodies.get("CreateEndpointConfig");
        assertEquals(name, config.path("EndpointConfigName").asText());
        JsonNode variant = config.path("ProductionVariants").get(0);
        assertEquals("AllTraffic", variant.path("VariantName").asText());
        assertEquals(name, variant.path("ModelName").asText());
        assertEquals(1, variant.path("InitialInstanceCount").asInt());
        assertEquals("ml.m5.large", variant.path("InstanceType").asText());
        JsonNode endpoint = bodies.get("CreateEndpoint");
        assertEquals(name, endpoint.path("EndpointName").asText());
        assertEquals(name, endpoint.path("EndpointConfigName").asText());
        assertEquals(name, bodies.get("DescribeEndpoint").path("EndpointName").asText());
        assertTrue(r.out().contains("[5/5] endpoint " + name + ": Creating (0 s)"), r.out());
        assertTrue(r.out().contains("still Creating (10 s)"), r.out());
        assertTrue(r.out().contains("[5/5] endpoint " + name + ": InService (20 s)"), r.out());
        assertTrue(r.out().contains("streamrec.ranker=sagemaker\n  streamrec.sagemaker.endpoint=" + name
                + "\n  streamrec.sagemaker.region=eu-west-1"), r.out());
    }

    @Test
    void aFailedEndpointEndsWithItsReason() {
        statuses.clear();
        statuses.addAll(List.of("Creating", "Failed"));
        Run r = run("--endpoint-name", "shop-ranker", "--instance-type", "ml.c5.xlarge", "--instance-count", "2");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("error: endpoint shop-ranker is Failed: The model data archive is invalid"), r.err());
        assertEquals("shop-ranker", bodies.get("CreateEndpoint").path("EndpointName").asText());
        assertEquals(2, bodies.get("CreateEndpointConfig").path("ProductionVariants").get(0).path("InitialInstanceCount").asInt());
        assertEquals("ml.c5.xlarge", bodies.get("CreateEndpointConfig").path("ProductionVariants").get(0).path("InstanceType").asText());
    }

    @Test
    void theWaitIsBounded() {
        statuses.clear();
        statuses.add("Creating");
        Run r = run("--wait-timeout", "35s");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("not InService after 35 s (still Creating)"), r.err());
        // polls at 0, 10, 20, 30 s; the next at 40 s would be past the deadline
        assertEquals(4, targets.stream().filter("DescribeEndpoint"::equals).count());
    }

    @Test
    void badInputIsAUsageErrorBeforeAnyRequest() throws IOException {
        assertUsage(run("--region", "xx-north-9"), "--region: no built-in XGBoost image known for region 'xx-north-9'");
        assertUsage(run("--region", "Europe"), "--region must be a region name");
        assertUsage(run("--role", "streamrec-role"), "--role must be an IAM role ARN");
        assertUsage(run("--bucket", "Models_Bucket"), "--bucket must be an S3 bucket name");
        assertUsage(run("--endpoint-name", "-bad-"), "--endpoint-name must be");
        assertUsage(run("--instance-type", "m5.large"), "--instance-type: 'm5.large' is not a SageMaker hosting instance type");
        assertUsage(run("--instance-count", "0"), "--instance-count must be 1..100");
        assertUsage(run("--wait-timeout", "soon"), "--wait-timeout");
        Files.delete(modelDir.resolve("model.tar.gz"));
        assertUsage(run(), "holds no model.tar.gz");
        assertTrue(targets.isEmpty() && objects.isEmpty(), "nothing was sent");
    }

    private static void assertUsage(Run r, String message) {
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(message), r.err());
    }

    @Test
    void imageUrisOfTheKnownRegions() {
        assertEquals("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", XgboostImages.uri("us-east-1", "1.7-1"));
        assertEquals("450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.5-1", XgboostImages.uri("cn-north-1", "1.5-1"));
        assertThrows(IllegalArgumentException.class, () -> XgboostImages.uri("eu-central-9", "1.7-1"));
    }
}
