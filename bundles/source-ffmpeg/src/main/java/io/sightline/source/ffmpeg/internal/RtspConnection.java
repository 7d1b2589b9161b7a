package io.sightline.source.ffmpeg.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The control connection of an RTSP 1.0 client (RFC 2326): requests with CSeq, Session and authorization, responses
 * with headers and body, and, once playing over TCP, the interleaved RTP/RTCP frames (section 10.12) that share the
 * socket with the server's responses. Blocking I/O on the reader thread; {@link #close()} from any thread unblocks it.
 */
final class RtspConnection implements AutoCloseable {
    /** A response: status, headers (lower-case names) and body. */
    record Response(int status, String reason, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One interleaved frame; {@link #data} is reused by the next {@link #readFrame}. */
    static final class Frame {
        int channel;
        int length;
        byte[] data = new byte[64 * 1024];
        long arrivalNanos;
    }

    private static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final int MAX_BODY_BYTES = 256 * 1024;
    private static final String USER_AGENT = "Sightline";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RtspAuthenticator authenticator;
    private int cseq;
    private String session;

    private RtspConnection(Socket socket, InputStream in, OutputStream out, RtspAuthenticator authenticator) {
        this.socket = socket;
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.out = out;
        this.authenticator = authenticator;
    }

    /** A connection over given streams instead of a socket: what the fuzz target feeds a server's bytes through. */
    static RtspConnection over(InputStream in, OutputStream out, RtspAuthenticator authenticator) {
        return new RtspConnection(null, in, out, authenticator);
    }

    /** Connects to the URI's host (default port 554) within the timeout; reads time out after the same time. */
    static RtspConnection open(URI uri, RtspAuthenticator authenticator, int timeoutMs) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 554), timeoutMs);
            s.setSoTimeout(timeoutMs);
            return new RtspConnection(s, s.getInputStream(), s.getOutputStream(), authenticator);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** The session id the server gave in SETUP, or {@code null}. */
    String session() {
        return session;
    }

    void readTimeout(int millis) throws IOException {
        if (socket != null) {
            socket.setSoTimeout(millis);
        }
    }

    /**
     * Sends a request and reads its response, answering one authentication challenge (401) with the configured
     * credentials. Interleaved frames that arrive before the response are skipped.
     */
    synchronized Response request(String method, String url, Map<String, String> headers) throws IOException {
        Response r = exchange(method, url, headers);
        if (r.status() == 401 && authenticator.answer(r.header("www-authenticate"))) {
            r = exchange(method, url, headers);
        }
        String s = r.header("session");
        if (s != null && session == null) {
            int semi = s.indexOf(';');
            session = (semi < 0 ? s : s.substring(0, semi)).trim();
        }
        return r;
    }

    /** Sends a request without waiting for its response (keep-alives while frames are flowing). */
    synchronized void send(String method, String url) throws IOException {
        write(method, url, Map.of());
    }

    /**
     * Reads the next interleaved frame, skipping any RTSP response (keep-alive answers) in between.
     *
     * @throws java.net.SocketTimeoutException when nothing arrives within the read timeout
     */
    void readFrame(Frame frame) throws IOException {
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection");
            }
            if (b == '$') {
                frame.channel = readByte();
                frame.length = (readByte() << 8) | readByte();
                readFully(frame.data, frame.length);
                frame.arrivalNanos = System.nanoTime();
                return;
            }
            if (b == 'R') {
                readResponse("R"); // a keep-alive's answer
            } else {
                throw new IOException("unexpected byte 0x" + Integer.toHexString(b) + " between interleaved frames");
            }
        }
    }

    /** Drains keep-alive answers on a connection that carries no media (RTP over UDP). */
    void skipResponses() throws IOException {
        while (in.available() > 0) {
            readResponse("");
        }
    }

    private Response exchange(String method, String url, Map<String, String> headers) throws IOException {
        int sent = write(method, url, headers);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection during " + method);
            }
            if (b == '$') { // media still flowing (TEARDOWN, keep-alive): skip the frame
                readByte();
                in.skipNBytes((readByte() << 8) | readByte());
                continue;
            }
            Response r = readResponse(Character.toString(b));
            String c = r.header("cseq");
            if (c == null || c.trim().equals(Integer.toString(sent))) {
                return r;
            }
        }
    }

    private int write(String method, String url, Map<String, String> headers) throws IOException {
        int n = ++cseq;
        StringBuilder b = new StringBuilder(256).append(method).append(' ').append(url).append(" RTSP/1.0\r\n")
                .append("CSeq: ").append(n).append("\r\n").append("User-Agent: ").append(USER_AGENT).append("\r\n");
        if (session != null) {
            b.append("Session: ").append(session).append("\r\n");
        }
        String auth = authenticator.authorization(method, url);
        if (auth != null) {
            b.append("Authorization: ").append(auth).append("\r\n");
        }
        headers.forEach((k, v) -> b.append(k).append(": ").append(v).append("\r\n"));
        out.write(b.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return n;
    }

    private Response readResponse(String start) throws IOException {
        String status = start + readLine();
        if (!status.startsWith("RTSP/1.")) {
            throw new IOException("not an RTSP response: '" + abbreviate(status) + "'");
        }
        String[] p = status.split(" ", 3);
        int code;
        try {
            code = Integer.parseInt(p[1]);
        } catch (RuntimeException e) {
            throw new IOException("bad RTSP status line: '" + abbreviate(status) + "'");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        int total = status.length();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            total += line.length();
            if (total > MAX_HEADER_BYTES) {
                throw new IOException("RTSP response headers over " + MAX_HEADER_BYTES + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.merge(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        String body = "";
        String length = headers.get("content-length");
        if (length != null) {
            int n;
            try {
                n = Integer.parseInt(length.trim());
            } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length '" + abbreviate(length) + "'");
            }
            if (n < 0 || n > MAX_BODY_BYTES) {
                throw new IOException("RTSP response body of " + n + " bytes refused");
            }
            byte[] data = new byte[n];
            readFully(data, n);
            body = new String(data, StandardCharsets.UTF_8);
        }
        return new Response(code, p.length > 2 ? p[2] : "", headers, body);
    }

    private String readLine() throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException("the server closed the connection mid-response");
            }
            if (c == '\n') {
                int n = b.length();
                return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
            }
            if (b.length() >= MAX_HEADER_BYTES) {
                throw new IOException("RTSP line over " + MAX_HEADER_BYTES + " bytes");
            }
            b.append((char) c);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the server closed the connection mid-frame");
        }
        return b;
    }

    private void readFully(byte[] buf, int n) throws IOException {
        int off = 0;
        while (off < n) {
            int r = in.read(buf, off, n - off);
            if (r < 0) {
                throw new EOFException("the server closed the connection mid-frame");
            }
            off += r;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            } else {
                in.close();
            }
        } catch (IOException e) {
            // closing: nothing to do
        }
    }
}
