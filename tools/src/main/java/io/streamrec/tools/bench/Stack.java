package io.streamrec.tools.bench;

import io.streamrec.tools.ToolException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One local stack (a broker and N gateways) started and stopped through the {@code streamrec} script with its own
 * state directory and ports, exactly as a user would: {@code STREAMREC_HOME=... ./streamrec up --detach --instances N}.
 */
final class Stack implements AutoCloseable {
    private final Path script;
    private final Path home;
    private final int kafkaPort;
    private final int httpPort;
    private final int instances;
    private final PrintStream log;
    private boolean up;

    Stack(Path script, Path home, int kafkaPort, int httpPort, int instances, PrintStream log) {
        this.script = script;
        this.home = home;
        this.kafkaPort = kafkaPort;
        this.httpPort = httpPort;
        this.instances = instances;
        this.log = log;
    }

    Path home() {
        return home;
    }

    int instances() {
        return instances;
    }

    String bootstrap() {
        return "localhost:" + kafkaPort;
    }

    List<URI> urls() {
        List<URI> out = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            out.add(URI.create("http://localhost:" + (httpPort + i)));
        }
        return out;
    }

    /** Marks a state directory as the bench's own: only such a directory is ever wiped. */
    static final String MARKER = ".streamrec-bench";

    /** Stops whatever an earlier run left in this state directory, wipes it, and starts the stack. */
    void start() {
        if (Files.exists(home) && !Files.exists(home.resolve(MARKER))) {
            throw new ToolException(home + " exists and was not made by bench (no " + MARKER + " file): choose another --home");
        }
        run(90, "down");
        deleteTree(home);
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve(MARKER), "state of ./streamrec bench; wiped by the next run\n");
        } catch (IOException e) {
            throw new ToolException("cannot create " + home + ": " + e.getMessage());
        }
        long t0 = System.nanoTime();
        int code = run(300, "up", "--detach", "--instances", Integer.toString(instances));
        if (code != 0) {
            run(90, "down");
            throw new ToolException("could not start the stack in " + home + " (./streamrec up exited " + code + "; logs in " + home.resolve("logs") + ")");
        }
        up = true;
        log.printf("  stack up in %.1f s: Kafka %s, %d gateway(s)%n", (System.nanoTime() - t0) / 1e9, bootstrap(), instances);
    }

    /** The admin key ./streamrec up wrote for this stack (null when there is none, e.g. authentication off). */
    String adminKey() {
        Path file = home.resolve("credentials");
        return Files.isRegularFile(file) ? io.streamrec.tools.ApiKeyOptions.read(file).get("STREAMREC_ADMIN_KEY") : null;
    }

    /** pid of every process of the stack by name (kafka, gateway-0, ...), from the script's pid files. */
    Map<String, Long> pids() {
        Map<String, Long> out = new LinkedHashMap<>();
        Path dir = home.resolve("pids");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".pid")).sorted().toList()) {
                String name = f.getFileName().toString().replace(".pid", "");
                try {
                    out.put(name, Long.parseLong(Files.readString(f).strip()));
                } catch (NumberFormatException | IOException ignored) {
                    // a pid file being rewritten: skip it
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    @Override
    public void close() {
        if (up) {
            up = false;
            run(90, "down");
        }
    }

    private int run(int timeoutSeconds, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("STREAMREC_HOME", home.toString());
        pb.environment().put("STREAMREC_KAFKA_PORT", Integer.toString(kafkaPort));
        pb.environment().remove("STREAMREC_KAFKA_CONTROLLER_PORT");
        pb.environment().put("STREAMREC_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().remove("STREAMREC_INSTANCES");
        // the stack's own credentials (written by its up into home), not those of a stack the caller may run
        pb.environment().remove("STREAMREC_CREDENTIALS");
        pb.environment().remove("STREAMREC_API_KEY");
        try {
            Process p = pb.start();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        if (!line.isBlank()) {
                            log.println("  | " + line);
                        }
                    }
                } catch (IOException ignored) {
                    // the script ended
                }
            }, "stack-output");
            pump.setDaemon(true);
            pump.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
                log.printf("  ./streamrec %s did not finish in %d s%n", String.join(" ", args), timeoutSeconds);
                return -1;
            }
            pump.join(2000);
            return p.exitValue();
        } catch (IOException e) {
            throw new ToolException("cannot run " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("interrupted");
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new ToolException("cannot clear " + dir + ": " + e.getMessage());
        }
    }
}
