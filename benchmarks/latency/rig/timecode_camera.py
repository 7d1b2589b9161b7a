# A timecode camera for the latency benchmark's camera path (--camera): GStreamer's gst-rtsp-server (Debian
# python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-bad for openh264enc, python3-numpy) serving
# rtsp://127.0.0.1:PORT/cam: WIDTHxHEIGHT at FPS, H.264 constrained baseline from OpenH264 (the encoder the in-process
# test pattern uses) at KBPS, a keyframe every 2 s, plus Opus audio (a tone), like an IP camera with audio.
# Every picture carries the test pattern's timecode strip (docs/timecode.md): its capture time, taken just before the
# picture is painted, so the browser's reading gives capture -> display through a real RTSP server and socket.
# Usage: /usr/bin/python3 timecode_camera.py PORT [WIDTH HEIGHT FPS KBPS]
#        /usr/bin/python3 timecode_camera.py srt:PORT [...]   without audio: MPEG-TS (mpegtsmux) over SRT (srtsink
#                                                             listener, latency 20 ms, any number of callers)
#        /usr/bin/python3 timecode_camera.py rtmp:URL [...]   without audio: FLV pushed to an RTMP server (rtmp2sink),
#                                                             like OBS publishing RTMP
import sys, threading, time
import numpy as np
import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtspServer, GLib

Gst.init(None)
outputs = dict(o.split(':', 1) if ':' in o else ('rtsp', o) for o in sys.argv[1].split('+'))
srt = outputs.get('srt')
rtmp = outputs.get('rtmp')
port = outputs.get('rtsp')
W, H, FPS, KBPS = (int(a) for a in (sys.argv[2:6] if len(sys.argv) >= 6 else (1280, 720, 30, 2000)))


def crc8(data):
    """CRC-8/I-432-1: poly 0x07, init 0, not reflected, xorout 0x55."""
    c = 0
    for b in data:
        c ^= b
        for _ in range(8):
            c = ((c << 1) ^ 0x07) & 0xff if c & 0x80 else (c << 1) & 0xff
    return c ^ 0x55


STRIP_ROWS = max(1, -(-H // 20))
CELL_X = [(i * W // 64, (i + 1) * W // 64) for i in range(64)]
# A smooth texture twice as wide as the picture that pans 4 pixels a frame: motion an encoder has to work for.
xs = np.arange(2 * W)[None, :]
ys = np.arange(H)[:, None]
# Fine grain on top, so the bitrate is a camera's rather than a cartoon's.
GRAIN = np.random.default_rng(7).integers(-5, 6, size=(H, 2 * W))
TEXTURE = np.clip(128 + 50 * np.sin(xs / 23.0) * np.cos(ys / 17.0) + 40 * np.sin((xs + ys) / 41.0) + GRAIN,
                  0, 255).astype(np.uint8)
CHROMA = np.full(W * H // 2, 128, dtype=np.uint8)


def picture(frame_no):
    offset = (frame_no * 4) % W
    y = np.ascontiguousarray(TEXTURE[:, offset:offset + W])
    millis = int(time.time() * 1000) % (1 << 48)  # the capture time, just before the strip is painted
    value = millis.to_bytes(6, 'big')
    bits = [1, 0, 1, 0] + [(millis >> (47 - i)) & 1 for i in range(48)] \
        + [(crc8(value) >> (7 - i)) & 1 for i in range(8)] + [0, 1, 0, 1]
    for (x0, x1), bit in zip(CELL_X, bits):
        y[:STRIP_ROWS, x0:x1] = 235 if bit else 16
    return y.tobytes() + CHROMA.tobytes()  # chroma neutral everywhere (the strip needs 128 under it)


def feed(appsrc):
    period = 1.0 / FPS
    start = time.monotonic()
    n = 0
    while True:
        due = start + n * period
        wait = due - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        buf = Gst.Buffer.new_wrapped(picture(n))
        if appsrc.emit('push-buffer', buf) != Gst.FlowReturn.OK:
            return  # the media was torn down
        n += 1


def configure(factory, media):
    # The server's sinks hold every buffer until its timestamp plus the pipeline's latency, which the audio branch
    # (source buffer, Opus look-ahead) sets to tens of milliseconds: a camera sends each picture as soon as it is
    # encoded, so configure no latency and the sinks send at once.
    pipeline = media.get_element().get_parent()
    if pipeline is not None and pipeline.find_property('latency') is not None:
        pipeline.set_property('latency', 0)
    appsrc = media.get_element().get_child_by_name('src')
    started = []

    def need_data(src, length):
        # Only once the pipeline asks: buffers pushed before PLAYING get no clock time and break the first PLAY.
        if not started:
            started.append(True)
            threading.Thread(target=feed, args=(src,), daemon=True).start()
    appsrc.connect('need-data', need_data)
    # A client's PLAY with a Range makes the server seek the whole pipeline (the audio source can); a live camera
    # has nowhere to seek to, so agree and carry on.
    appsrc.connect('seek-data', lambda src, offset: True)


ENCODE = ('appsrc name=src is-live=true format=time do-timestamp=true stream-type=seekable'
          f' caps=video/x-raw,format=I420,width={W},height={H},framerate={FPS}/1'
          f' ! openh264enc bitrate={KBPS * 1000} gop-size={2 * FPS} rate-control=bitrate complexity=low'
          ' usage-type=camera ! video/x-h264,profile=constrained-baseline')
AUDIO = 'audiotestsrc is-live=true wave=sine freq=440 volume=0.2 ! opusenc frame-size=20'

if srt or rtmp:
    # One pipeline, always running, one output per process (a tee in front of two live muxers stalled here). Video
    # only: a muxer with a second live input waits for both (the RTSP camera's audio has no such muxer in front of
    # it). mpegtsmux alignment=7: 7 TS packets per buffer, one SRT message, as SRT encoders send. It keeps a picture's
    # last packets until the next picture's fill the buffer (a camera-side hold of up to one frame, in both SRT
    # readers' figures); with alignment=-1 (one 188-byte SRT message per packet) no
    # picture reached either SRT reader here (no keyframe arrived).
    sink = (f'mpegtsmux alignment=7 ! srtsink uri=srt://127.0.0.1:{srt}?mode=listener latency=20'
            ' wait-for-connection=false sync=false') if srt else \
        f'flvmux streamable=true latency=0 ! rtmp2sink location={rtmp} sync=false async=false'
    pipeline = Gst.parse_launch(f'{ENCODE} ! h264parse config-interval=-1 ! {sink}')
    pipeline.set_property('latency', 0)
    configure(None, type('Media', (), {'get_element': lambda self: pipeline})())
    pipeline.set_state(Gst.State.PLAYING)
    print('ready', flush=True)
    GLib.MainLoop().run()

launch = f'( {ENCODE} ! rtph264pay name=pay0 pt=96 config-interval=-1 {AUDIO} ! rtpopuspay name=pay1 pt=97 )'
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(launch)
factory.set_shared(True)
factory.connect('media-configure', configure)
server.get_mount_points().add_factory('/cam', factory)
server.attach(None)
print('ready', flush=True)
GLib.MainLoop().run()
