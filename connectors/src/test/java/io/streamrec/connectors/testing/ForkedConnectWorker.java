package io.streamrec.connectors.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Connect worker in distributed mode in a JVM of its own (the real {@code ConnectDistributed} on this test's
 * classpath), so a test can kill it the hard way (SIGKILL: no task stop, no last offset commit) and start another.
 */
public final class ForkedConnectWorker implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final String url;
    private final Path log;

    private ForkedConnectWorker(Process process, String url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /**
     * Starts a worker of Connect cluster {@code groupId} (its config, offset and status topics are named after it)
     * and waits until its REST API answers.
     */
    public static ForkedConnectWorker start(Path dir, String name, String bootstrap, String groupId,
                                            Map<String, String> extra, Duration timeout) throws IOException {
        int port = S3ProxyServer.freePort();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", groupId);
        props.put("config.storage.topic", groupId + "-configs");
        props.put("offset.storage.topic", groupId + "-offsets");
        props.put("status.storage.topic", groupId + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("plugin.discovery", "service_load");
        // a killed worker's connectors and tasks move at once (not after the default 5-minute wait for its return),
        // and its members of the worker group and of the sink's consumer group expire after 6 s, not 45 s
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.put("session.timeout.ms", "6000");
        props.put("heartbeat.interval.ms", "2000");
        props.put("consumer.session.timeout.ms", "6000");
        props.put("consumer.heartbeat.interval.ms", "2000");
        props.putAll(extra);
        Path file = dir.resolve(name + ".properties");
        StringBuilder text = new StringBuilder();
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(S3ProxyServer.javaBinary(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", classpath,
                "org.apache.kafka.connect.cli.ConnectDistributed", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ForkedConnectWorker worker = new ForkedConnectWorker(p, "http://127.0.0.1:" + port, log);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Connect worker exited (see " + log + ")");
            }
            try {
                if (worker.get("/connectors").statusCode() == 200) {
                    return worker;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                worker.kill();
                throw new IllegalStateException("Connect worker did not answer within " + timeout + " (see " + log + ")");
            }
            sleep(200);
        }
    }

    public HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    public HttpResponse<String> putJson(String path, String json) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** GET path's body, or the failure, for messages. */
    public String describe(String path) {
        try {
            return get(path).body();
        } catch (IOException e) {
            return e.toString();
        }
    }

    public Path log() {
        return log;
    }

    /** SIGKILL: the worker gets no chance to stop its tasks or commit offsets. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
