package io.streamrec.connectors.testing;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * S3Proxy (a real S3-protocol server on a filesystem directory) in a JVM of its own, started from the classpath that
 * the local-s3 module copies to its target/lib (its Jetty clashes with Connect's in one JVM). Stopped by {@link #close}.
 * Credentials are the ones the tests put in the environment for the SDK's default provider chain.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int port;
    private final Path log;

    private S3ProxyServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static S3ProxyServer start(Path workDir) throws IOException {
        String lib = System.getProperty("streamrec.s3proxy.lib");
        if (lib == null || !Files.isDirectory(Paths.get(lib))) {
            throw new IllegalStateException("S3Proxy classpath not found (system property streamrec.s3proxy.lib = " + lib
                    + "): build the local-s3 module first (mvn -pl connectors -am ...)");
        }
        Path data = Files.createDirectories(workDir.resolve("data"));
        int port = freePort();
        Path conf = workDir.resolve("s3proxy.conf");
        Files.writeString(conf, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + data.toAbsolutePath(), ""), StandardCharsets.UTF_8);
        Path log = workDir.resolve("s3proxy.log");
        Path logback = Paths.get(lib).getParent().getParent().resolve("logback.xml");
        Process p = new ProcessBuilder(javaBinary(), "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logback, "-cp", lib + "/*", "org.gaul.s3proxy.Main",
                "--properties", conf.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3ProxyServer server = new S3ProxyServer(p, port, log);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!server.accepts()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("S3Proxy did not start (see " + log + "): "
                        + Files.readString(log).lines().reduce("", (a, b) -> b));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return server;
    }

    static String javaBinary() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    /** A client for reading the lake in assertions (the connector builds its own from its settings). */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Every key in the bucket, sorted; empty when the bucket does not exist yet. */
    public static List<String> keys(S3Client s3, String bucket) {
        try {
            List<String> out = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key).forEach(out::add);
            out.sort(String::compareTo);
            return out;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
            return List.of();
        }
    }

    /** The lines of every object, by key; gzip objects are decompressed. */
    public static TreeMap<String, List<String>> read(S3Client s3, String bucket) {
        TreeMap<String, List<String>> out = new TreeMap<>();
        for (String key : keys(s3, bucket)) {
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
            try {
                String text = key.endsWith(".gz")
                        ? new String(new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes(),
                        StandardCharsets.UTF_8)
                        : new String(bytes, StandardCharsets.UTF_8);
                out.put(key, text.lines().toList());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + key, e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
