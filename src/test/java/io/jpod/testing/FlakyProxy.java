package io.jpod.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a plain-HTTP {@link LocalRegistry}, whose faults a test switches on
 * while a client talks to it, to test retries and resumed downloads:
 * <ul>
 * <li>{@link #cutAfterBytes(long)}: the next response to a blob GET ({@code .../blobs/...}) longer than that is
 * cut after that many body bytes (the connection closes);
 * <li>{@link #failNext(int, int)}: the next requests are answered with that status (and {@code Connection: close})
 * instead of being forwarded;
 * <li>{@link #stall()}: nothing more is forwarded, in either direction, until {@link #resume()}: a registry that
 * hangs mid-transfer.
 * </ul>
 * {@link #requests()} lists what clients asked (method, path, Range header). Clients use {@link #host()} as the
 * registry; the Host header is passed through, so the registry's upload Locations point back at the proxy.
 *
 * <pre>{@code
 * try (LocalRegistry reg = LocalRegistry.plain(); FlakyProxy proxy = new FlakyProxy(reg)) {
 *     RegistrySeed.pushBusybox(reg, "busybox:latest", Format.OCI);
 *     proxy.cutAfterBytes(1000);   // then pull proxy.host() + "/busybox:latest" and expect a resume
 * }
 * }</pre>
 */
public final class FlakyProxy implements AutoCloseable {

    /** One request a client sent through the proxy; {@code range} is its Range header or null. */
    public record Seen(String method, String path, String range) {}

    private final InetSocketAddress upstream;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "flaky-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicLong cutAfter = new AtomicLong(-1);
    private final AtomicInteger failures = new AtomicInteger();
    private volatile int failStatus = 503;
    private volatile boolean stalled;
    private volatile boolean closed;

    /** In front of a plain-HTTP registry. */
    public FlakyProxy(LocalRegistry registry) throws IOException {
        this(registry.port());
        if (registry.tlsEnabled()) {
            close();
            throw new IllegalArgumentException("FlakyProxy reads HTTP: put it in front of a plain registry");
        }
    }

    /** In front of any plain-HTTP server on 127.0.0.1:{@code upstreamPort}. */
    public FlakyProxy(int upstreamPort) throws IOException {
        upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public String url() {
        return "http://" + host();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Cuts the next blob GET's response that is longer than {@code n} bytes after {@code n} body bytes (once);
     * shorter ones (a config fetched before the layers) pass whole and leave the cut armed.
     */
    public FlakyProxy cutAfterBytes(long n) {
        cutAfter.set(n);
        return this;
    }

    /** Answers the next {@code count} requests with {@code status} instead of forwarding them. */
    public FlakyProxy failNext(int count, int status) {
        failStatus = status;
        failures.set(count);
        return this;
    }

    /** Stops forwarding anything (requests, responses in flight) until {@link #resume()}. */
    public FlakyProxy stall() {
        stalled = true;
        return this;
    }

    public FlakyProxy resume() {
        stalled = false;
        return this;
    }

    /** Clears the switches and the request log. */
    public FlakyProxy reset() {
        cutAfter.set(-1);
        failures.set(0);
        stalled = false;
        seen.clear();
        return this;
    }

    /** The requests seen so far, oldest first (failed ones included). */
    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    public int requestCount() {
        return seen.size();
    }

    /** How many requests carried a Range header. */
    public long rangeRequestCount() {
        return seen.stream().filter(s -> s.range() != null).count();
    }

    /**
     * The armed cut if this response's body is longer than it (or of unknown length), disarming it; a
     * shorter body (an image config before the layers) leaves it armed for the next blob.
     */
    private long takeCut(Head resp) {
        long n = cutAfter.get();
        if (n < 0) {
            return -1;
        }
        String length = resp.header("content-length");
        if (length != null && Long.parseLong(length.trim()) <= n) {
            return -1;
        }
        return cutAfter.compareAndSet(n, -1) ? n : -1;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Thrown when a cut has been made: both sides close. */
    private static final class Cut extends IOException {
        Cut() {
            super("cut by FlakyProxy");
        }
    }

    private void serve(Socket client) {
        Socket up = null;
        try {
            InputStream cin = new BufferedInputStream(client.getInputStream());
            OutputStream cout = client.getOutputStream();
            InputStream uin = null;
            OutputStream uout = null;
            while (!closed) {
                Head req = Head.read(cin);
                if (req == null) {
                    return;
                }
                String[] line = req.startLine.split(" ");
                String method = line[0];
                String path = line.length > 1 ? line[1] : "";
                seen.add(new Seen(method, path, req.header("range")));
                awaitResume();
                if (failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                    copyBody(req, false, cin, OutputStream.nullOutputStream());
                    byte[] body = ("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"injected by FlakyProxy\"}]}")
                            .getBytes(StandardCharsets.UTF_8);
                    cout.write(("HTTP/1.1 " + failStatus + " Injected\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    cout.write(body);
                    cout.flush();
                    return;
                }
                if (up == null) {
                    up = new Socket();
                    sockets.add(up);
                    up.connect(upstream, 5000);
                    uin = new BufferedInputStream(up.getInputStream());
                    uout = up.getOutputStream();
                }
                uout.write(req.raw);
                copyBody(req, false, cin, uout);
                uout.flush();
                boolean blobGet = "GET".equals(method) && path.contains("/blobs/");
                Head resp;
                do {
                    resp = Head.read(uin);
                    if (resp == null) {
                        return;
                    }
                    awaitResume();
                    cout.write(resp.raw);
                } while (resp.status() >= 100 && resp.status() < 200);
                boolean noBody = "HEAD".equals(method) || resp.status() == 204 || resp.status() == 304;
                long cut = blobGet && !noBody ? takeCut(resp) : -1;
                OutputStream body = cut >= 0 ? new Cutting(cout, cut) : cout;
                boolean delimitedByClose = !noBody && copyBody(resp, true, uin, body);
                cout.flush();
                if (delimitedByClose || "close".equalsIgnoreCase(req.header("connection"))
                        || "close".equalsIgnoreCase(resp.header("connection"))) {
                    return;
                }
            }
        } catch (IOException e) {
            // a cut, a client that went away, or close(): the connection ends either way
        } finally {
            closeQuietly(client);
            if (up != null) {
                closeQuietly(up);
            }
        }
    }

    /**
     * Copies a message body framed by Content-Length or chunked encoding; a response with neither runs to
     * end of stream (returns true: the connection must close).
     */
    private boolean copyBody(Head head, boolean response, InputStream in, OutputStream out) throws IOException {
        String te = head.header("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            while (true) {
                String sizeLine = readLine(in);
                out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int semi = sizeLine.indexOf(';');
                long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } while (!trailer.isEmpty());
                    return false;
                }
                copy(in, out, size);
                out.write(readLine(in).concat("\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        String length = head.header("content-length");
        if (length != null) {
            copy(in, out, Long.parseLong(length.trim()));
            return false;
        }
        if (!response) {
            return false; // a request without a framed body has none
        }
        copy(in, out, Long.MAX_VALUE);
        return true;
    }

    private void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[16384];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                if (n == Long.MAX_VALUE) {
                    return;
                }
                throw new IOException("peer closed mid-body");
            }
            awaitResume();
            out.write(buf, 0, r);
            left -= r;
        }
    }

    private void awaitResume() throws IOException {
        while (stalled) {
            if (closed) {
                throw new IOException("proxy closed");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("peer closed mid-line");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** A request or response head: its bytes as received and its headers (names lower-cased). */
    private record Head(byte[] raw, String startLine, Map<String, String> headers) {

        String header(String name) {
            return headers.get(name);
        }

        int status() {
            String[] parts = startLine.split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        }

        /** The next head, or null at a clean end of stream. */
        static Head read(InputStream in) throws IOException {
            in.mark(1);
            int first = in.read();
            if (first < 0) {
                return null;
            }
            if (first != '\r' && first != '\n' && (first < 'A' || first > 'z')) {
                // e.g. a TLS ClientHello (0x16) from a client that tries HTTPS first: closing at once lets it
                // fall back to plain HTTP without waiting for a handshake timeout
                throw new IOException("not HTTP/1.x");
            }
            in.reset();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            String start = null;
            Map<String, String> headers = new TreeMap<>();
            while (true) {
                String line;
                try {
                    line = readLine(in);
                } catch (IOException eof) {
                    if (raw.size() == 0) {
                        return null;
                    }
                    throw eof;
                }
                raw.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                if (raw.size() > 65536) {
                    throw new IOException("head too long");
                }
                if (start == null) {
                    if (line.isEmpty()) {
                        continue; // stray CRLF between messages
                    }
                    start = line;
                } else if (line.isEmpty()) {
                    return new Head(raw.toByteArray(), start, headers);
                } else {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                                line.substring(colon + 1).trim());
                    }
                }
            }
        }
    }

    /** Passes on {@code limit} bytes, then flushes and throws {@link Cut}. */
    private static final class Cutting extends OutputStream {
        private final OutputStream out;
        private long left;

        Cutting(OutputStream out, long limit) {
            this.out = out;
            this.left = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int n = (int) Math.min(len, left);
            out.write(b, off, n);
            left -= n;
            if (left == 0) {
                out.flush();
                throw new Cut();
            }
        }
    }

    private void closeQuietly(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        stalled = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : List.copyOf(sockets)) {
            closeQuietly(s);
        }
        threads.shutdownNow();
    }
}
