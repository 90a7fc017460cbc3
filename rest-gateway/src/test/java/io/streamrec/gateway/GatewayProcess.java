package io.streamrec.gateway;

import io.streamrec.gateway.auth.ApiKeys;
import io.streamrec.testsupport.Wait;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A packaged gateway started as its own operating-system process, as `./streamrec up` starts it. */
final class GatewayProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int port;
    private final String bootstrap;
    private final Path stateDir;
    private final Path log;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private Process process;

    GatewayProcess(String bootstrap, Path workDir, String name) throws IOException {
        this.port = freePort();
        this.bootstrap = bootstrap;
        this.stateDir = Files.createDirectories(workDir.resolve(name + "-state"));
        this.log = workDir.resolve(name + ".log");
    }

    /** A system property for the next {@link #start()}s, on top of (or instead of) the defaults below. */
    GatewayProcess with(String key, String value) {
        properties.put(key, value);
        return this;
    }

    GatewayProcess start() throws IOException {
        String jar = System.getProperty("gateway.jar", "target/quarkus-app/quarkus-run.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m",
                "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dkafka-streams.state.dir=" + stateDir,
                "-Dstreamrec.ingest.timeout=3s"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", jar));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // as ./streamrec up passes them: the key digests and the cluster secret in the environment, not on the command line
        pb.environment().put("STREAMREC_AUTH_KEYS_ADMIN", ApiKeys.sha256Hex(TestKeys.ADMIN));
        pb.environment().put("STREAMREC_AUTH_KEYS_QUERY", ApiKeys.sha256Hex(TestKeys.QUERY));
        pb.environment().put("STREAMREC_AUTH_CLUSTER_SECRET", TestKeys.CLUSTER_SECRET);
        process = pb.start();
        return this;
    }

    /** Deletes this gateway's state directory (stopped gateways only): its next start restores every store from the changelogs. */
    void wipeState() throws IOException {
        if (alive()) {
            throw new IllegalStateException("gateway on port " + port + " still runs");
        }
        try (var paths = Files.walk(stateDir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.createDirectories(stateDir);
    }

    String url() {
        return "http://localhost:" + port;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed cleanly. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    boolean ready() {
        try {
            return get("/q/health/ready").statusCode() == 200;
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until the gateway is ready; on timeout the error carries the end of its log. */
    void awaitReady(Duration timeout) {
        try {
            Wait.until("gateway on port " + port + " ready", timeout, this::ready);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- gateway log ---\n" + logTail(), e);
        }
    }

    /** GET with the admin key. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get(path, TestKeys.ADMIN);
    }

    /** GET with this key ({@code null}: none). */
    HttpResponse<String> get(String path, String apiKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).GET();
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + TestKeys.ADMIN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + TestKeys.ADMIN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
