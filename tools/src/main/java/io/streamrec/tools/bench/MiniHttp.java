package io.streamrec.tools.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client over one kept-alive connection: GET and POST, Content-Length or chunked answers. A load
 * generator needs a client that costs little CPU and never queues requests behind its own back (the JDK client pools
 * connections and runs callbacks on its own threads), so that what it measures is the server. Not thread-safe: one
 * instance per connection; after an I/O error the next request reconnects.
 */
public final class MiniHttp implements Closeable {
    public record Response(int status, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * The API key every connection sends as {@code Authorization: Bearer} (the bench talks to stacks it started itself,
     * with their admin key, which the ingest rate limit does not hold back): {@code $STREAMREC_API_KEY}, or what
     * {@link #useApiKey} set for the stack at hand. Null: none.
     */
    private static volatile String apiKey = System.getenv("STREAMREC_API_KEY");

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private final String hostHeader;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public MiniHttp(URI base, int timeoutMillis) {
        this.host = base.getHost();
        this.port = base.getPort() < 0 ? 80 : base.getPort();
        this.timeoutMillis = timeoutMillis;
        this.hostHeader = host + ":" + port;
    }

    public static void useApiKey(String key) {
        apiKey = key;
    }

    public static String apiKey() {
        return apiKey;
    }

    public Response get(String pathAndQuery) throws IOException {
        return exchange("GET", pathAndQuery, null);
    }

    public Response post(String path, byte[] json) throws IOException {
        return exchange("POST", path, json);
    }

    private Response exchange(String method, String path, byte[] body) throws IOException {
        try {
            connectIfNeeded();
            StringBuilder head = new StringBuilder(128)
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(hostHeader)
                    .append("\r\nAccept: application/json\r\n");
            String key = apiKey;
            if (key != null) {
                head.append("Authorization: Bearer ").append(key).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read();
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    private void connectIfNeeded() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        s.connect(new InetSocketAddress(host, port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = s.getOutputStream();
    }

    private Response read() throws IOException {
        String status = line(in);
        if (!status.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = status.startsWith("HTTP/1.0");
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        byte[] body;
        if (chunked) {
            body = readChunked(in);
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new EOFException("answer shorter than its Content-Length");
            }
        } else if (code == 204 || code == 304) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
            close = true;
        }
        if (close) {
            close();
        }
        return new Response(code, body);
    }

    static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line(in);
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            if (size == 0) {
                // trailers until the empty line
                while (!line(in).isEmpty()) {
                    // skip
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("chunk shorter than announced");
            }
            body.write(chunk);
            line(in);
        }
    }

    /** One CRLF-terminated header line, without the terminator. */
    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (b == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) b);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
