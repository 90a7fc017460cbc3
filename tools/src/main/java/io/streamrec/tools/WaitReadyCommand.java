package io.streamrec.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Polls {@code GET /q/health/ready} of each gateway until it answers 200, or fails at the deadline. */
@Command(name = "wait-ready", mixinStandardHelpOptions = true,
        description = "Wait until every gateway answers 200 on /q/health/ready; exit 1 at the deadline.")
public final class WaitReadyCommand implements Callable<Integer> {

    @Option(names = "--url", defaultValue = "http://localhost:8080", description = "gateway base URL(s), comma-separated (default: ${DEFAULT-VALUE})")
    String urls;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds to wait in all (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--interval-ms", defaultValue = "500", description = "pause between polls (default: ${DEFAULT-VALUE})")
    int intervalMs;

    @Option(names = "--pid", description = "stop waiting early if this process (the gateway) has exited")
    Long pid;

    @Option(names = "--quiet", description = "print only problems")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        List<URI> bases = Urls.parse(urls);
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(timeoutSeconds).toNanos();
        for (URI base : bases) {
            URI health = Urls.resolve(base, "/q/health/ready");
            String last = "no answer yet";
            while (true) {
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        if (!quiet) {
                            System.out.printf("ready: %s (%.1f s)%n", base, (System.nanoTime() - start) / 1e9);
                        }
                        break;
                    }
                    last = "HTTP " + r.statusCode() + " " + oneLine(r.body());
                } catch (IOException e) {
                    last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                }
                if (pid != null) {
                    Optional<ProcessHandle> p = ProcessHandle.of(pid);
                    if (p.isEmpty() || !p.get().isAlive()) {
                        throw new ToolException("process " + pid + " serving " + base + " has exited before it was ready (last answer: " + last + ")");
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new ToolException(health + " not ready after " + timeoutSeconds + " s (last answer: " + last + ")");
                }
                Thread.sleep(intervalMs);
            }
        }
        return 0;
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("\\s+", " ").strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
