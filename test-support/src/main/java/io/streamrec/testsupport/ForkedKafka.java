package io.streamrec.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real single-node Kafka broker (combined broker and KRaft controller) in a JVM of its own, started from the
 * {@code kafka_2.13} jars on this JVM's classpath, as {@code ./streamrec up} runs it: {@code kafka.Kafka} with a
 * {@code server.properties} and a log directory formatted once by {@code kafka.tools.StorageTool}. Unlike
 * {@link EmbeddedKafka}, it can be killed with SIGKILL ({@link #kill()}) and started again on the same ports and log
 * directory ({@link #restart()}): a broker outage as it happens in production.
 */
public final class ForkedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ForkedKafka.class);

    /** How long a (re)started broker may take to answer. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final String bootstrapServers;
    private volatile Admin admin;
    private volatile Process process;
    private volatile boolean closed;

    private ForkedKafka(Path dir, int port, int controllerPort) throws IOException {
        this.dir = dir;
        this.port = port;
        this.config = dir.resolve("server.properties");
        this.log = dir.resolve("broker.log");
        this.bootstrapServers = "localhost:" + port;
        Map<String, String> props = new LinkedHashMap<>(EmbeddedKafka.brokerConfig());
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toAbsolutePath().toString());
        StringBuilder text = new StringBuilder("# written by ForkedKafka\n");
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, text, StandardCharsets.UTF_8);
    }

    /**
     * Formats a log directory under {@code dir} (created if needed), starts the broker on free ports and waits until it
     * answers.
     *
     * @throws IllegalStateException if it cannot be formatted or does not answer within {@link #STARTUP_TIMEOUT}
     */
    public static ForkedKafka start(Path dir) {
        ForkedKafka kafka = null;
        try {
            Files.createDirectories(dir);
            kafka = new ForkedKafka(dir.toAbsolutePath(), freePort(), freePort());
            kafka.format();
            kafka.launch();
            return kafka;
        } catch (IOException | RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            throw new IllegalStateException("could not start a forked Kafka broker in " + dir, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public int port() {
        return port;
    }

    /** The broker's console output (INFO and above), appended across restarts. */
    public Path log() {
        return log;
    }

    /**
     * An admin client for the running broker, shared, closed by {@link #kill()} and {@link #close()} (so that it does not
     * fill the log with reconnection warnings while the broker is away): do not close it yourself.
     */
    public Admin admin() {
        Admin a = admin;
        if (a == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return a;
    }

    /** Every streamrec topic with {@code partitions} partitions (as {@link EmbeddedKafka#createStreamrecTopics}). */
    public void createStreamrecTopics(int partitions) {
        TopicCreation.createStreamrecTopics(admin(), partitions);
    }

    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, the log directory is left as a crash leaves it. */
    public void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        closeAdmin();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the broker (pid " + p.pid() + ") did not exit 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the killed broker", e);
        }
        LOG.info("forked Kafka at {} killed (pid {})", bootstrapServers, p.pid());
    }

    /** Starts the broker again on the same ports and log directory and waits until it answers. */
    public void restart() {
        if (isAlive()) {
            throw new IllegalStateException("the broker still runs (pid " + process.pid() + ")");
        }
        launch();
    }

    private void format() {
        String clusterId = Uuid.randomUuid().toString();
        Path formatLog = dir.resolve("format.log");
        int code = run(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString(), "--standalone"),
                formatLog, Duration.ofSeconds(120));
        if (code != 0) {
            throw new IllegalStateException("kafka.tools.StorageTool format exited with " + code + " (see " + formatLog + ")");
        }
    }

    private void launch() {
        long begin = System.nanoTime();
        try {
            appendLine("===== started by ForkedKafka");
            process = new ProcessBuilder(javaCommand(List.of("kafka.Kafka", config.toString())))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the broker", e);
        }
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-forked-kafka-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
        try {
            Wait.until("forked Kafka at " + bootstrapServers + " to answer (log " + log + ")", STARTUP_TIMEOUT,
                    Duration.ofMillis(250), () -> {
                        if (!isAlive()) {
                            throw new IllegalStateException("the broker exited with " + process.exitValue() + " (see " + log + ")");
                        }
                        return answers();
                    });
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw new IllegalStateException(e.getMessage(), e);
        }
        LOG.info("forked Kafka at {} ready (pid {}) after {} ms", bootstrapServers, process.pid(),
                Duration.ofNanos(System.nanoTime() - begin).toMillis());
    }

    /** The broker is registered with its controller and serves metadata. */
    private boolean answers() {
        try {
            return !admin().describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private int run(List<String> mainAndArgs, Path output, Duration timeout) {
        try {
            Process p = new ProcessBuilder(javaCommand(mainAndArgs)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(mainAndArgs.get(0) + " did not finish within " + timeout + " (see " + output + ")");
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + mainAndArgs.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + mainAndArgs.get(0), e);
        }
    }

    /**
     * {@code java} of this JVM with this JVM's classpath (surefire's and failsafe's forks hold the test classpath in
     * {@code surefire.test.class.path}), logging through jboss-logmanager as in the tests themselves.
     */
    private static List<String> javaCommand(List<String> mainAndArgs) {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp", classpath));
        cmd.addAll(mainAndArgs);
        return cmd;
    }

    private void appendLine(String line) throws IOException {
        Files.writeString(log, "\n" + line + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private void closeAdmin() {
        Admin a = admin;
        admin = null;
        if (a != null) {
            a.close(Duration.ofSeconds(5));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s); keeps its log directory. Safe to call more than once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAdmin();
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
