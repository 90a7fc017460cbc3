package io.streamrec.tools.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The load generator's HTTP/1.1 client against canned answers. */
class MiniHttpTest {

    @Test
    void readsAChunkedBody() throws IOException {
        InputStream in = new ByteArrayInputStream("5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("hello, world", new String(MiniHttp.readChunked(in), StandardCharsets.UTF_8));
    }

    @Test
    void aConnectionClosedMidAnswerIsAnError() {
        InputStream in = new ByteArrayInputStream("5\r\nhel".getBytes(StandardCharsets.ISO_8859_1));
        assertThrows(EOFException.class, () -> MiniHttp.readChunked(in));
    }

    @Test
    void keepsTheConnectionForTheNextRequest() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < 2; i++) {
                        // the request head ends with an empty line
                        while (!MiniHttp.line(in).isEmpty()) {
                            // skip the request line and headers
                        }
                        String body = "{\"n\":" + i + "}";
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                                + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // the test fails on the client side
                }
            });
            t.start();
            try (MiniHttp http = new MiniHttp(URI.create("http://127.0.0.1:" + server.getLocalPort()), 5000)) {
                assertEquals("{\"n\":0}", http.get("/a").text());
                MiniHttp.Response second = http.get("/b");
                assertEquals(200, second.status());
                assertEquals("{\"n\":1}", second.text());
            }
            t.join(5000);
        }
    }
}
