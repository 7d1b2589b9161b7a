#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets (docs/reliability.md) into each module's Jazzer corpus directory
(src/test/resources/<package>/<Class>Inputs/<method>/seed-*). Seeds come from real captures where there are some:
the browsers' SDP offers saved in bundles/rtp, the RFC 5769 STUN samples, the RTCP vectors of RtcpParserTest, and
H.264 from ffmpeg/libx264 (baseline 720p, high 1080p with B-frames, high 4:2:2) when ffmpeg is installed.
Run from the repository root; it only adds or overwrites seed-* files."""
import base64, os, shutil, struct, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def corpus(module, package, cls, method):
    d = os.path.join(ROOT, 'bundles', module, 'src/test/resources', package.replace('.', '/'), cls + 'Inputs', method)
    os.makedirs(d, exist_ok=True)
    return d


def put(d, name, data):
    with open(os.path.join(d, 'seed-' + name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def hx(s):
    return bytes.fromhex(s.replace(' ', ''))


def h264_streams():
    """Annex B streams from libx264, or [] without ffmpeg."""
    if not shutil.which('ffmpeg'):
        return []
    out = []
    tmp = tempfile.mkdtemp()
    for profile, size, rate, fmt, bf in [('baseline', '1280x720', 30, 'yuv420p', 0), ('high', '1920x1080', 25, 'yuv420p', 2),
                                         ('high422', '642x362', 30, 'yuv422p', 0)]:
        path = os.path.join(tmp, profile + '.h264')
        subprocess.run(['ffmpeg', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', f'testsrc2=size={size}:rate={rate}',
                        '-frames:v', '2', '-pix_fmt', fmt, '-c:v', 'libx264', '-profile:v', profile, '-bf', str(bf),
                        '-f', 'h264', path], check=True)
        out.append((profile, open(path, 'rb').read()))
    shutil.rmtree(tmp)
    return out


def mpegts_captures():
    """Short MPEG-TS captures from FFmpeg's muxer and GStreamer's mpegtsmux, or [] without the tools."""
    out = []
    tmp = tempfile.mkdtemp()
    if shutil.which('ffmpeg'):
        path = os.path.join(tmp, 'ffmpeg.ts')
        subprocess.run(['ffmpeg', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=30',
                        '-f', 'lavfi', '-i', 'sine=sample_rate=48000', '-t', '0.2', '-c:v', 'libx264', '-bf', '0',
                        '-g', '3', '-c:a', 'aac', '-b:a', '32k', '-f', 'mpegts', path], check=True)
        out.append(('ffmpeg-h264-aac', open(path, 'rb').read()))
    path = os.path.join(tmp, 'gst.ts')
    launch = ('videotestsrc num-buffers=6 ! video/x-raw,width=64,height=48,framerate=30/1 ! x264enc bframes=0 '
              f'key-int-max=3 ! h264parse ! mpegtsmux ! filesink location={path}')
    script = ('import sys, gi\ngi.require_version("Gst", "1.0")\nfrom gi.repository import Gst\nGst.init(None)\n'
              'p = Gst.parse_launch(sys.argv[1]); p.set_state(Gst.State.PLAYING)\n'
              'p.get_bus().timed_pop_filtered(30 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)\n'
              'p.set_state(Gst.State.NULL)\n')
    if subprocess.run(['/usr/bin/python3', '-c', script, launch]).returncode == 0 and os.path.exists(path):
        out.append(('mpegtsmux-h264', open(path, 'rb').read()))
    shutil.rmtree(tmp)
    return out


def nals(stream):
    parts = stream.split(b'\x00\x00\x01')
    return [p.rstrip(b'\x00') for p in parts[1:] if p.rstrip(b'\x00')]


def rtp_records(nal_list, mtu=1200):
    """Records of H264DepacketizerFuzzTest: [len u16][seq u16][ts u32][marker u8][payload], as RFC 6184 packetizes."""
    recs, seq = [], 1000
    small = [n for n in nal_list if len(n) < 200]
    if len(small) >= 2:  # SPS + PPS aggregated, as Chromium and cameras send them
        stap = b'\x78' + b''.join(struct.pack('>H', len(n)) + n for n in small[:2])
        recs.append((stap, seq, 0)); seq += 1
    for n in nal_list:
        if len(n) < 200 and len(small) >= 2 and n in small[:2]:
            continue
        if len(n) <= mtu:
            recs.append((n, seq, 0)); seq += 1
        else:
            ind = (n[0] & 0xe0) | 28
            body = n[1:]
            chunks = [body[i:i + mtu] for i in range(0, min(len(body), 4 * mtu), mtu)]  # first few fragments
            for i, c in enumerate(chunks):
                fu = (0x80 if i == 0 else 0) | (0x40 if i == len(chunks) - 1 else 0) | (n[0] & 0x1f)
                recs.append((bytes([ind, fu]) + c, seq, 0)); seq += 1
    data = b''
    for i, (p, s, _) in enumerate(recs):
        data += struct.pack('>HHIB', len(p), s & 0xffff, 90000, 1 if i == len(recs) - 1 else 0) + p
    return data


def main():
    # RTCP: the vectors of RtcpParserTest (RR, NACK, PLI, FIR, transport-cc with run-length and vector chunks) + REMB.
    d = corpus('rtp', 'io.sightline.rtp.rtcp', 'RtcpParserFuzzTest', 'compoundPacket')
    vectors = {
        'rr': '81c90007 00000001 12345678 0a000005 00010203 00000020 11223344 00010000',
        'nack': '81cd0004 00000001 12345678 00648001 ffff0001',
        'pli': '81ce0002 00000001 12345678',
        'fir': '84ce0004 00000001 00000000 12345678 07000000',
        'tcc-padded': 'afcd0008 00000001 12345678 000a000a 00010103 2005c910 0101010101 0010 01 01 000003',
        'tcc-1bit': '8fcd0006 00000001 00000002 0000000e ffffff00 ac01 01010101 0000',
        'remb': '8fce0005 00000001 00000000 52454d42 0107a120 12345678',
        'sr-bye': '80c80006 deadbeef e6b2d0a5 00000000 00015f90 0000000a 00002ee0 81cb0001 deadbeef',
    }
    for k, v in vectors.items():
        put(d, k, hx(v))
    # RTP header: plain, CSRCs, one-byte and two-byte extensions, an opaque profile.
    d = corpus('rtp', 'io.sightline.rtp.rtp', 'RtpHeaderFuzzTest', 'header')
    put(d, 'plain', hx('80e6fffe23456789deadbeef'))
    put(d, 'one-byte-ext', hx('90600001 00000002 00000003 bede0002 3201020351002a00'))
    put(d, 'two-byte-ext', hx('9060000100000002 00000003 10000002 0103aabbcc050100 00'))
    put(d, 'opaque-ext', hx('900000010000000200000003abcd000101020304ffff'))
    put(d, 'csrc', hx('8260000100000002000000030000000400000005'))
    # SRTP: selector byte (bit0 profile, bit1 RTCP, bit2 protect first) + packet.
    d = corpus('rtp', 'io.sightline.rtp.srtp', 'SrtpUnprotectFuzzTest', 'unprotect')
    rtp = hx('80e6fffe23456789deadbeef') + bytes(range(40))
    rtcp = hx('81c90007 00000001 12345678 0a000005 00010203 00000020 11223344 00010000')
    for sel in range(8):
        put(d, f'sel{sel}', bytes([sel]) + (rtcp if sel & 2 else rtp))
    # SDP offers saved from real clients, and trickle-ICE fragments as browsers PATCH them.
    sdp_dir = os.path.join(ROOT, 'bundles/rtp/src/test/resources/io/sightline/rtp/sdp')
    d = corpus('rtp', 'io.sightline.rtp.sdp', 'SdpOfferFuzzTest', 'offer')
    for f in sorted(os.listdir(sdp_dir)):
        if f.endswith('.sdp'):
            put(d, f[:-4], open(os.path.join(sdp_dir, f), 'rb').read())
    d = corpus('rtp', 'io.sightline.rtp.sdp', 'SdpOfferFuzzTest', 'trickleFragment')
    put(d, 'chromium-patch', 'a=ice-ufrag:EsAw\r\na=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n'
        'a=mid:0\r\na=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw\r\n'
        'a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active generation 0\r\n'
        'a=end-of-candidates\r\n')
    put(d, 'srflx-ipv6', 'a=candidate:2 1 udp 1686052607 2001:db8::1 50000 typ srflx raddr :: rport 0\r\na=mid:v\r\n')
    # STUN: RFC 5769 sample request and responses.
    d = corpus('rtp', 'io.sightline.rtp.stun', 'StunMessageFuzzTest', 'datagram')
    put(d, 'rfc5769-request', hx('000100582112a442b7e7a701bc34d686fa87dfae80220010 5354554e207465737420636c69656e74'
                                 '00240004 6e0001ff 80290008 932ff9b151263b36 00060009 6576746a3a68367659202020'
                                 '00080014 9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2 80280004 e57a3bcf'))
    put(d, 'rfc5769-ipv4', hx('0101003c2112a442b7e7a701bc34d686fa87dfae 8022000b 7465737420766563746f7220'
                              '00200008 0001a147e112a643 00080014 2b91f599fd9e90c38c7489f92af9ba53f06be7d7 80280004 c07d4c96'))
    put(d, 'rfc5769-ipv6', hx('010100482112a442b7e7a701bc34d686fa87dfae 8022000b 7465737420766563746f7220'
                              '00200014 0002a1470113a9faa5d3f179bc25f4b5bed2b9d9 00080014 a382954e4be67bf11784c97c8292c275bfe3ed41'
                              '80280004 c8fb0b4c'))
    put(d, 'error-401', hx('011100102112a442b7e7a701bc34d686fa87dfae 0009000c 00000401 556e617574686f72'))
    d = corpus('transport-sfu', 'io.sightline.sfu.internal', 'PlayoutDelayFuzzTest', 'value')
    for v in ['browser', '30', '0-100', '40950', ' 10 - 20 ']:
        put(d, v.strip().replace(' ', '_'), v)
    # H.264 from libx264.
    streams = h264_streams()
    d_sps = corpus('source-ffmpeg', 'io.sightline.source.ffmpeg.internal', 'H264BitstreamFuzzTest', 'sps')
    d_nal = corpus('source-ffmpeg', 'io.sightline.source.ffmpeg.internal', 'H264BitstreamFuzzTest', 'nalUnits')
    d_rtp = corpus('rtp', 'io.sightline.rtp.rtp', 'H264DepacketizerFuzzTest', 'packets')
    for profile, stream in streams:
        units = nals(stream)
        for n in units:
            if n[0] & 0x1f == 7:
                put(d_sps, 'x264-' + profile, n)
        head = b''.join(b'\x00\x00\x00\x01' + n for n in units if len(n) < 4096)
        put(d_nal, 'x264-annexb-' + profile, head)
        put(d_nal, 'x264-avcc-' + profile, b'\x01' + units[0][1:4] + b'\xff\xe1' + struct.pack('>H', len(units[0]))
            + units[0] + b'\x01' + struct.pack('>H', len(units[1])) + units[1])
        put(d_rtp, 'x264-' + profile, rtp_records(units[:4]))
    # MPEG-TS as FFmpeg's muxer writes it (H.264 + AAC) and as GStreamer's mpegtsmux does (H.264), a few pictures.
    d = corpus('source-ffmpeg', 'io.sightline.source.ffmpeg.internal', 'MpegTsDemuxerFuzzTest', 'stream')
    for name, ts in mpegts_captures():
        put(d, name, ts)
    # RTSP: a camera's answers to OPTIONS, DESCRIBE (after a digest challenge), SETUP and interleaved frames.
    d = corpus('source-ffmpeg', 'io.sightline.source.ffmpeg.internal', 'RtspResponseFuzzTest', 'serverBytes')
    sdp = ('v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=cam\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n'
           'a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAH9oBQBbsBEAAAAMAQAAADyPGDKg=,aM4PyA==\r\n'
           'a=control:track1\r\n')
    session = ('RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n'
               'RTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\nWWW-Authenticate: Digest realm="cam", nonce="abc123"\r\n\r\n'
               f'RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Base: rtsp://127.0.0.1/cam/\r\nContent-Type: application/sdp\r\n'
               f'X-Sprop: Z0LAH9oBQBbsBEAAAAMAQAAADyPGDKg=,aM4PyA==\r\nContent-Length: {len(sdp)}\r\n\r\n{sdp}'
               'RTSP/1.0 200 OK\r\nCSeq: 4\r\nSession: 12345678;timeout=60\r\nTransport: RTP/AVP/TCP;interleaved=0-1\r\n\r\n')
    frames = b'$\x00\x00\x10' + hx('80e0000100000000deadbeef') + b'\x65\x88\x84\x00' \
        + b'RTSP/1.0 200 OK\r\nCSeq: 5\r\n\r\n' + b'$\x01\x00\x08' + hx('81c90001deadbeef')
    put(d, 'digest-describe-setup-frames', session.encode() + frames)
    put(d, 'basic-auth', b'RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\nRTSP/1.0 401 Unauthorized\r\nCSeq: 2\r\n'
        b'WWW-Authenticate: Basic realm="cam"\r\n\r\n')
    # Bearer tokens, signed claims and JWKS files.
    d = corpus('auth-jwt', 'io.sightline.auth.jwt.internal', 'JwtInputFuzzTest', 'bearerToken')
    b64 = lambda s: base64.urlsafe_b64encode(s.encode()).rstrip(b'=').decode()
    put(d, 'hs256-shape', b64('{"alg":"HS256","typ":"JWT"}') + '.' + b64('{"sub":"a","streams":["cam1"]}') + '.c2ln')
    put(d, 'alg-none', b64('{"alg":"none"}') + '.' + b64('{"sub":"a"}') + '.')
    put(d, 'rs256-kid', b64('{"alg":"RS256","kid":"k1"}') + '.' + b64('{"exp":1}') + '.AAAA')
    d = corpus('auth-jwt', 'io.sightline.auth.jwt.internal', 'JwtInputFuzzTest', 'signedClaims')
    put(d, 'read-cam1', '{"sub":"alice","exp":1767272400,"streams":["cam1"],"actions":["read"]}')
    put(d, 'patterns', '{"sub":"bob","nbf":1,"exp":9999999999,"iss":"x","aud":["a","b"],"streams":["cam*","*"],"actions":"read"}')
    put(d, 'wrong-types', '{"exp":"soon","streams":7,"actions":[null,1.5,{}]}')
    d = corpus('auth-jwt', 'io.sightline.auth.jwt.internal', 'JwtInputFuzzTest', 'jwksFile')
    put(d, 'rsa', '{"keys":[{"kty":"RSA","kid":"k1","e":"AQAB","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl'
        'UzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_'
        '7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-'
        'VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw"}]}')
    put(d, 'ec', '{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",'
        '"y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"}]}')
    put(d, 'truncated', '{"keys":[{"kty":"RSA","kid":"k1","e":"AQ')
    # WHEP paths, address lists, stream files.
    d = corpus('signaling-whep', 'io.sightline.signaling.whep.internal', 'WhepPathFuzzTest', 'pathInfo')
    for p in ['/demo', '/demo/3f2a9c', '/', '//x', '/cam%2F1/', '/a/b/c']:
        put(d, p.replace('/', '_') or 'root', p)
    d = corpus('endpoint-support', 'io.sightline.endpoint.support', 'AddressRangesFuzzTest', 'listAndAddress')
    put(d, 'v4', '127.0.0.1/8, 10.0.0.0/8\n10.1.2.3')
    put(d, 'v6', '::1, 2001:db8::/32\n[2001:db8::5%eth0]')
    put(d, 'mapped', '192.168.0.0/16\n::ffff:192.168.1.1')
    d = corpus('core', 'io.sightline.core.internal', 'StreamFileFuzzTest', 'streamFile')
    put(d, 'lobby', 'source.type = testpattern\nsource.width = 1280\nsource.height = 720\nmode = always-on\n'
        'on.demand.close.after.seconds = 10\ntransport.mode = sfu\nplayout.delay =\naccess = public\n'
        'access.public.from = 127.0.0.1/8, ::1\nvideo.codec = h264\nvideo.bitrate.kbps = 2000\n')
    put(d, 'rtsp-on-demand', 'source.type = rtsp\nsource.url = rtsp://cam.local/stream1\nmode = on-demand\n'
        'reconnect.initial.delay.ms = 500\nreconnect.max.delay.ms = 10000\nsource.timeout.ms = 5000\n')
    put(d, 'garbage', b'\x00\xff=\\u12\nmode=sometimes\n')


if __name__ == '__main__':
    main()
