package io.streamrec.ranker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Drives the real SDK against a local server that checks the wire protocol of SageMaker runtime's InvokeEndpoint
 * and answers as the built-in XGBoost container does.
 */
class SageMakerScorerTest {

    private static final String ENDPOINT = "streamrec-ranker";
    private static final String REGION = "eu-west-1";
    private static final Pattern SIGV4 = Pattern.compile("AWS4-HMAC-SHA256 Credential=AKIDSTREAMREC/\\d{8}/"
            + REGION + "/sagemaker/aws4_request, SignedHeaders=[a-z0-9;-]*content-type[a-z0-9;-]*, "
            + "Signature=[0-9a-f]{64}");

    private HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Answer answer;

    private record Request(String method, String path, String contentType, String accept, String authorization,
                           String amzDate, String body) {
    }

    private record Answer(int status, String contentType, String body, boolean hang) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Accept"),
                exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("X-Amz-Date"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        Answer a = answer;
        if (a.hang()) {
            try {
                release.await(30, TimeUnit.SECONDS); // until the test ends: far past the client's timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", a.contentType());
        exchange.getResponseHeaders().set("x-Amzn-Invoked-Production-Variant", "AllTraffic");
        exchange.sendResponseHeaders(a.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private SageMakerScorer scorer(Duration timeout) {
        return new SageMakerScorer(SageMakerScorer.Config.builder()
                .endpointName(ENDPOINT)
                .region(REGION)
                .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .timeout(timeout)
                .featureCount(4)
                .credentials(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("AKIDSTREAMREC", "test-secret-key")))
                .build());
    }

    @Test
    void sendsCsvRowsInFeatureOrderAndReturnsTheContainersScores() {
        answer = new Answer(200, "text/csv; charset=utf-8", "0.25,-1.5,3.0e-2", false);
        float[][] rows = {
            {0.5f, 1f, 0f, 12.25f},
            {1e-6f, Float.NaN, -3f, 0.1f},
            {7f, 8f, 9f, 10f},
        };
        try (SageMakerScorer scorer = scorer(Duration.ofSeconds(5))) {
            assertArrayEquals(new float[] {0.25f, -1.5f, 0.03f}, scorer.score(rows));
            assertEquals("sagemaker:" + ENDPOINT, scorer.name());
        }
        assertEquals(1, requests.size());
        Request r = requests.get(0);
        assertEquals("POST", r.method());
        assertEquals("/endpoints/" + ENDPOINT + "/invocations", r.path());
        assertEquals("text/csv", r.contentType());
        assertEquals("text/csv", r.accept());
        assertTrue(SIGV4.matcher(r.authorization()).matches(), r.authorization());
        assertTrue(r.amzDate().matches("\\d{8}T\\d{6}Z"), r.amzDate());
        String[] lines = r.body().split("\n", -1);
        assertEquals(3, lines.length, r.body());
        for (int i = 0; i < rows.length; i++) {
            String[] fields = lines[i].split(",", -1);
            assertEquals(4, fields.length, lines[i]);
            for (int f = 0; f < 4; f++) {
                if (Float.isNaN(rows[i][f])) {
                    assertEquals("", fields[f], "a missing value is an empty field");
                } else {
                    assertEquals(rows[i][f], Float.parseFloat(fields[f]), lines[i]);
                }
            }
        }
    }

    @Test
    void readsNewlineSeparatedAndJsonAnswers() {
        answer = new Answer(200, "text/csv", "0.5\n0.25\n", false);
        try (SageMakerScorer scorer = scorer(Duration.ofSeconds(5))) {
            assertArrayEquals(new float[] {0.5f, 0.25f}, scorer.score(TestModels.rows(2)));
            assertArrayEquals(new float[] {1f, 2f},
                    scorer.parseScores("{\"predictions\": [{\"score\": 1.0}, {\"score\": 2}]}", 2));
            assertArrayEquals(new float[] {1f, 2f}, scorer.parseScores("[1.0, 2.0]", 2));
            assertEquals("sagemaker:streamrec-ranker answered 1 scores for 2 rows: 0.5",
                    assertThrows(ScoringException.class, () -> scorer.parseScores("0.5", 2)).getMessage());
            assertThrows(ScoringException.class, () -> scorer.parseScores("0.5,oops", 2));
        }
    }

    @Test
    void anEndpointErrorFallsBackToTheLocalModel() throws IOException {
        answer = new Answer(500, "application/json", "{\"ErrorCode\":\"INTERNAL_FAILURE_FROM_MODEL\","
                + "\"Message\":\"model crashed\"}", false);
        ScoringException cause = fallsBackToTheLocalModel(Duration.ofSeconds(5));
        assertFalse(cause.isTimeout());
        assertTrue(cause.getMessage().startsWith("sagemaker:streamrec-ranker failed: "), cause.getMessage());
        assertEquals(1, requests.size(), "no retry: the fallback answers instead");
    }

    @Test
    void aSlowEndpointFallsBackAfterTheTimeout() throws IOException {
        answer = new Answer(200, "text/csv", "1", true);
        ScoringException cause = fallsBackToTheLocalModel(Duration.ofMillis(250));
        assertTrue(cause.isTimeout(), cause.getMessage());
    }

    /** Scores through a FallbackScorer, checks the local model answered once, and returns why. */
    private ScoringException fallsBackToTheLocalModel(Duration timeout) throws IOException {
        List<ScoringException> causes = new CopyOnWriteArrayList<>();
        float[][] rows = TestModels.rows(30);
        try (SageMakerScorer remote = scorer(timeout);
             LocalXgbScorer local = LocalXgbScorer.fromBytes(TestModels.small().modelBytes(), 4, "fallback")) {
            FallbackScorer scorer = new FallbackScorer(remote, local, (primary, e) -> causes.add((ScoringException) e));

            assertArrayEquals(local.score(rows), scorer.score(rows));

            assertEquals(1, scorer.fallbackCount());
            assertEquals(1, causes.size());
            return causes.get(0);
        }
    }

    @Test
    void rowsOfAnotherWidthNeverLeaveTheProcess() {
        answer = new Answer(200, "text/csv", "1", false);
        try (SageMakerScorer scorer = scorer(Duration.ofSeconds(5))) {
            assertThrows(IllegalArgumentException.class, () -> scorer.score(new float[][] {new float[3]}));
            assertArrayEquals(new float[0], scorer.score(new float[0][]));
        }
        assertEquals(0, requests.size());
    }

    @Test
    void configNeedsAnEndpointAndARegion() {
        assertEquals("endpointName is required for the SageMaker scorer", assertThrows(IllegalArgumentException.class,
                () -> SageMakerScorer.Config.builder().region(REGION).build()).getMessage());
        assertEquals("region is required for the SageMaker scorer", assertThrows(IllegalArgumentException.class,
                () -> SageMakerScorer.Config.builder().endpointName(ENDPOINT).build()).getMessage());
    }
}
