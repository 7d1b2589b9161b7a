package io.sightline.source.ffmpeg.internal;

import io.sightline.rtp.sdp.MediaDescription;
import io.sightline.rtp.sdp.RtpFormat;
import io.sightline.rtp.sdp.SdpException;
import io.sightline.rtp.sdp.SdpParser;
import io.sightline.rtp.sdp.SessionDescription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The RTSP handshake of the native client: DESCRIBE, SETUP of the H.264 video and (optionally) one audio track, PLAY,
 * keep-alives and TEARDOWN, over TCP-interleaved or UDP transport. Decides up front whether the camera's session is
 * one this client carries ({@link Unsupported} otherwise, and the source uses FFmpeg's RTSP demuxer instead).
 */
final class RtspSession implements AutoCloseable {
    /** The camera offers something only the FFmpeg path handles (another video codec, B-frames, odd audio). */
    static final class Unsupported extends IOException {
        Unsupported(String reason) {
            super(reason);
        }
    }

    /** One set-up track: its interleaved channel (TCP) or UDP socket, and its RTP format. */
    record TrackSetup(RtpFormat format, int channel, DatagramChannel udp) {
    }

    private final RtspConnection connection;
    private final String baseUrl;
    private final boolean udp;
    private TrackSetup video;
    private TrackSetup audio;
    private byte[] parameterSets = new byte[0];
    private long keepAliveNanos = 30_000_000_000L;
    private String playUrl;

    private RtspSession(RtspConnection connection, String baseUrl, boolean udp) {
        this.connection = connection;
        this.baseUrl = baseUrl;
        this.udp = udp;
    }

    /** Connects, describes and sets up the tracks; {@link #play()} starts the media. */
    static RtspSession open(String url, boolean udp, int timeoutMs) throws IOException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IOException("bad RTSP URL: " + e.getReason());
        }
        RtspAuthenticator auth = authenticator(uri.getRawUserInfo());
        String requestUrl = withoutUserInfo(uri);
        RtspConnection c = RtspConnection.open(uri, auth, timeoutMs);
        RtspSession s = new RtspSession(c, requestUrl, udp);
        try {
            s.describeAndSetup(requestUrl);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    TrackSetup video() {
        return video;
    }

    TrackSetup audio() {
        return audio;
    }

    boolean udp() {
        return udp;
    }

    /** The SDP's sprop-parameter-sets as Annex B (possibly empty: then they come in-band). */
    byte[] parameterSets() {
        return parameterSets;
    }

    RtspConnection connection() {
        return connection;
    }

    /** How often the session must be refreshed (half the server's session timeout). */
    long keepAliveNanos() {
        return keepAliveNanos;
    }

    void play() throws IOException {
        RtspConnection.Response r = connection.request("PLAY", playUrl, Map.of("Range", "npt=0.000-"));
        expectOk("PLAY", r);
    }

    void keepAlive() throws IOException {
        connection.send("OPTIONS", baseUrl);
    }

    private void describeAndSetup(String url) throws IOException {
        RtspConnection.Response d = connection.request("DESCRIBE", url, Map.of("Accept", "application/sdp"));
        expectOk("DESCRIBE", d);
        String base = d.header("content-base") != null ? d.header("content-base")
                : d.header("content-location") != null ? d.header("content-location") : url;
        SessionDescription sdp;
        try {
            sdp = SdpParser.parse(d.body());
        } catch (SdpException e) {
            throw new IOException("the camera's SDP is malformed: " + e.getMessage());
        }
        MediaDescription videoMedia = null;
        MediaDescription audioMedia = null;
        for (MediaDescription m : sdp.media()) {
            if (m.kind().equals("video") && videoMedia == null) {
                videoMedia = m;
            } else if (m.kind().equals("audio") && audioMedia == null) {
                audioMedia = m;
            }
        }
        if (videoMedia == null) {
            throw new Unsupported("no video track");
        }
        RtpFormat h264 = firstFormat(videoMedia, "H264");
        if (h264 == null) {
            throw new Unsupported("video is not H.264: " + videoMedia.formats());
        }
        RtpFormat audioFormat = null;
        if (audioMedia != null) {
            audioFormat = audioMedia.formats().isEmpty() ? null : audioMedia.formats().get(0);
            if (audioFormat == null || !RtspAudio.supports(audioFormat)) {
                throw new Unsupported("audio " + (audioFormat == null ? "without format" : audioFormat.toString())
                        + " is not Opus, G.711 or AAC");
            }
        }
        if ("1".equals(h264.fmtp("packetization-mode")) || h264.fmtp("packetization-mode") == null
                || "0".equals(h264.fmtp("packetization-mode"))) {
            parameterSets = annexB(h264.fmtp("sprop-parameter-sets"));
        } else {
            throw new Unsupported("H.264 packetization-mode " + h264.fmtp("packetization-mode"));
        }
        String sessionControl = sdp.control() == null ? base : resolve(base, sdp.control());
        video = setup(resolve(sessionControl, videoMedia.control()), h264, 0);
        if (audioFormat != null) {
            audio = setup(resolve(sessionControl, audioMedia.control()), audioFormat, 2);
        }
        playUrl = sessionControl;
    }

    private TrackSetup setup(String url, RtpFormat format, int channel) throws IOException {
        DatagramChannel rtp = null;
        String transport;
        if (udp) {
            rtp = bindPair();
            int port = ((InetSocketAddress) rtp.getLocalAddress()).getPort();
            transport = "RTP/AVP;unicast;client_port=" + port + "-" + (port + 1);
        } else {
            transport = "RTP/AVP/TCP;unicast;interleaved=" + channel + "-" + (channel + 1);
        }
        RtspConnection.Response r = connection.request("SETUP", url, Map.of("Transport", transport));
        if (r.status() != 200 && rtp != null) {
            rtp.close();
        }
        expectOk("SETUP", r);
        String t = r.header("transport");
        int ch = channel;
        if (t != null && !udp) {
            String interleaved = param(t, "interleaved");
            if (interleaved != null) {
                try {
                    ch = Integer.parseInt(interleaved.split("-")[0].trim());
                } catch (NumberFormatException e) {
                    throw new IOException("bad interleaved channel in Transport: " + t);
                }
            }
        }
        if (udp) {
            String serverPort = t == null ? null : param(t, "server_port");
            if (serverPort != null) {
                // Opens a path through a NAT or firewall in front of us and tells the server where we are.
                String host = URI.create(baseUrl).getHost();
                int sp = Integer.parseInt(serverPort.split("-")[0].trim());
                rtp.send(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
                        new InetSocketAddress(host, sp));
            }
        }
        String session = r.header("session");
        if (session != null) {
            String timeout = param(session.replace(' ', ';'), "timeout");
            if (timeout != null) {
                try {
                    keepAliveNanos = Math.max(5, Integer.parseInt(timeout.trim()) / 2) * 1_000_000_000L;
                } catch (NumberFormatException e) {
                    // keep the default
                }
            }
        }
        return new TrackSetup(format, ch, rtp);
    }

    /**
     * An even RTP port whose odd neighbour was free when checked, as RFC 3550 asks of the pair. The client does not
     * listen for RTCP (timing comes from RTP and arrival), so the odd port is not kept open.
     */
    private static DatagramChannel bindPair() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramChannel rtp = DatagramChannel.open(StandardProtocolFamily.INET);
            rtp.bind(new InetSocketAddress(0));
            int port = ((InetSocketAddress) rtp.getLocalAddress()).getPort();
            if (port % 2 == 0 && port < 65535) {
                try (DatagramChannel probe = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    probe.bind(new InetSocketAddress(port + 1));
                    rtp.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
                    return rtp;
                } catch (IOException e) {
                    // taken: try another pair
                }
            }
            rtp.close();
        }
        throw new IOException("no free UDP port pair for RTP");
    }

    private static String param(String header, String name) {
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith(name + "=")) {
                return p.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static void expectOk(String method, RtspConnection.Response r) throws IOException {
        if (r.status() != 200) {
            throw new IOException(method + " answered " + r.status() + " " + r.reason()
                    + (r.status() == 401 ? " (credentials missing or refused)" : ""));
        }
    }

    private static RtpFormat firstFormat(MediaDescription m, String name) {
        for (RtpFormat f : m.formats()) {
            if (f.is(name)) {
                return f;
            }
        }
        return null;
    }

    static String resolve(String base, String control) {
        if (control == null || control.isEmpty() || control.equals("*")) {
            return base;
        }
        if (control.regionMatches(true, 0, "rtsp://", 0, 7) || control.regionMatches(true, 0, "rtsps://", 0, 8)) {
            return control;
        }
        return base.endsWith("/") ? base + control : base + "/" + control;
    }

    static byte[] annexB(String spropParameterSets) throws IOException {
        if (spropParameterSets == null || spropParameterSets.isBlank()) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String set : spropParameterSets.split(",")) {
            try {
                byte[] nal = Base64.getDecoder().decode(set.trim());
                out.write(new byte[] {0, 0, 0, 1});
                out.write(nal);
            } catch (IllegalArgumentException e) {
                throw new IOException("bad sprop-parameter-sets in the camera's SDP");
            }
        }
        return out.toByteArray();
    }

    private static RtspAuthenticator authenticator(String rawUserInfo) {
        if (rawUserInfo == null) {
            return new RtspAuthenticator("", "");
        }
        int colon = rawUserInfo.indexOf(':');
        String user = colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon);
        String pass = colon < 0 ? "" : rawUserInfo.substring(colon + 1);
        return new RtspAuthenticator(URLDecoder.decode(user, StandardCharsets.UTF_8),
                URLDecoder.decode(pass, StandardCharsets.UTF_8));
    }

    private static String withoutUserInfo(URI uri) {
        String s = uri.toString();
        String info = uri.getRawUserInfo();
        return info == null ? s : s.replace(info + "@", "");
    }

    /** Ends the session (TEARDOWN, best effort) and closes every socket. */
    @Override
    public void close() {
        try {
            if (connection.session() != null) {
                connection.readTimeout(300);
                connection.send("TEARDOWN", playUrl == null ? baseUrl : playUrl);
            }
        } catch (IOException e) {
            // the server is gone: nothing to tear down
        }
        connection.close();
        for (TrackSetup t : new TrackSetup[] {video, audio}) {
            if (t != null && t.udp() != null) {
                try {
                    t.udp().close();
                } catch (IOException e) {
                    // closing
                }
            }
        }
    }

    List<TrackSetup> tracks() {
        List<TrackSetup> l = new ArrayList<>(2);
        if (video != null) {
            l.add(video);
        }
        if (audio != null) {
            l.add(audio);
        }
        return l;
    }
}
