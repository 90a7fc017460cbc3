package io.streamrec.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load command end to end against a stand-in gateway on the loopback interface. */
class LoadCommandTest {
    private final ObjectMapper json = new ObjectMapper();
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> items = Collections.synchronizedList(new ArrayList<>());
    private HttpServer server;
    private String url;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            JsonNode body = json.readTree(ex.getRequestBody().readAllBytes());
            String path = ex.getRequestURI().getPath();
            calls.add(path);
            (path.equals("/events") ? events : items).addAll(toList(body));
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private String run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            int code = Main.commandLine().execute(args);
            assertEquals(0, code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void loadsAGzippedOnlineRetailFileItemsFirst(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("retail.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(String.join("\n",
                    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country",
                    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
                    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom",
                    "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527,United Kingdom",
                    "536366,22633,\"HAND WARMER, UNION JACK\",6,2010-12-01 08:28:00,1.85,,United Kingdom",
                    "").getBytes(StandardCharsets.UTF_8));
        }
        String summary = run("load", "--format", "online-retail", file.toString(), "--url", url, "--batch", "2", "--progress", "none");
        assertEquals(3, items.size());
        assertEquals(3, events.size());
        assertTrue(calls.lastIndexOf("/items") < calls.indexOf("/events"), "items before events: " + calls);
        JsonNode warmer = items.stream().filter(i -> i.get("itemId").asText().equals("22633")).findFirst().orElseThrow();
        assertEquals("HAND WARMER, UNION JACK", warmer.get("title").asText());
        assertEquals(1.85, warmer.get("price").asDouble());
        assertTrue(warmer.get("available").asBoolean());
        assertTrue(summary.matches("(?s).*rows read +4\n.*"), summary);
        assertTrue(summary.matches("(?s).*cancellation \\(InvoiceNo starts with C\\) +1\n.*"), summary);
        assertTrue(summary.matches("(?s).*events sent \\(accepted\\) +3\n.*"), summary);
    }

    @Test
    void loadsASeqFileWithHoldout(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("seq.txt");
        Files.writeString(file, "1 1 2 3\n2 4 5\n");
        run("load", "--format", "seq", file.toString(), "--url", url, "--progress", "none");
        assertEquals(List.of("seq-1-0", "seq-1-1", "seq-2-0"),
                events.stream().map(e -> e.get("eventId").asText()).sorted().toList());
        assertEquals(5, items.size());
        assertEquals("view", events.get(0).get("eventType").asText());
    }

    @Test
    void endAlignedClockSendsInTimeOrderWithEveryLineEndingTogether(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("seq.txt");
        Files.writeString(file, "1 1 2 3 4\n2 5 6 7\n");
        String summary = run("load", "--format", "seq", file.toString(), "--url", url, "--progress", "none",
                "--clock", "end-aligned", "--batch", "1", "--concurrency", "1");
        assertEquals(List.of("seq-1-0", "seq-1-1", "seq-2-0", "seq-1-2", "seq-2-1"),
                events.stream().map(e -> e.get("eventId").asText()).toList(), "time order, users interleaved");
        long end = events.get(4).get("timestamp").asLong();
        assertEquals(end, events.get(3).get("timestamp").asLong(), "both lines end at the same instant");
        assertEquals(end - 60_000L, events.get(2).get("timestamp").asLong());
        assertTrue(summary.matches("(?s).*lines read +2\n.*"), summary);
    }
}
