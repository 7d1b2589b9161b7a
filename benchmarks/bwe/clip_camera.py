# An RTSP camera that costs almost no CPU: GStreamer's gst-rtsp-server (Debian python3-gi,
# gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good for qtdemux and rtph264pay, gstreamer1.0-plugins-bad for
# h264parse) serving rtsp://127.0.0.1:PORT/cam from an H.264 clip that is already encoded (bwe.js passes the 2 Mbit/s
# 720p30 noise clip of ../load/media.js), looped for ever, never re-encoded: what it sends is the clip's own bytes at
# the clip's own rate. A live encoder would take CPU from the server and Chromium being measured on this 2-core machine,
# and a test pattern it can afford compresses to far less than 2 Mbit/s.
# Live like an IP camera: one picture every 1/FPS s by the pipeline's clock, stamped with its due time, so timestamps
# keep rising evenly across the loop point (the clip starts with a keyframe and has a whole number of GOPs, so the
# loop is seamless for a decoder); shared media, so a client joins mid-GOP.
# Usage: /usr/bin/python3 clip_camera.py PORT CLIP.mp4 [FPS]
import sys, threading, time
import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtspServer, GLib

Gst.init(None)
port, clip = sys.argv[1], sys.argv[2]
FPS = int(sys.argv[3]) if len(sys.argv) > 3 else 30


def access_units(file):
    """The clip's pictures in decoding order, each an Annex-B access unit (SPS/PPS in front of every keyframe)."""
    pipeline = Gst.parse_launch(
        f'filesrc location="{file}" ! qtdemux ! h264parse config-interval=-1'
        ' ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=sink sync=false')
    sink = pipeline.get_by_name('sink')
    pipeline.set_state(Gst.State.PLAYING)
    units, caps = [], None
    while True:
        sample = sink.emit('pull-sample')
        if sample is None:
            break
        caps = caps or sample.get_caps()
        buf = sample.get_buffer()
        units.append((buf.extract_dup(0, buf.get_size()), not buf.has_flags(Gst.BufferFlags.DELTA_UNIT)))
    pipeline.set_state(Gst.State.NULL)
    if not units or not units[0][1]:
        sys.exit(f'{file}: no H.264 pictures, or the first is not a keyframe')
    s = caps.get_structure(0)
    return [u for u, _ in units], s.get_int('width')[1], s.get_int('height')[1], s.get_string('profile')


UNITS, W, H, PROFILE = access_units(clip)


def feed(appsrc):
    # Paced by the pipeline's clock, not by sleeping a period after each push: a late wake-up (a loaded machine) is
    # caught up, so the rate stays FPS. Each picture is stamped with its due time rather than the time it is pushed, as
    # a camera stamps its capture time: a catch-up burst keeps timestamps exactly 1/FPS apart instead of equal.
    clock = appsrc.get_clock()
    while clock is None:  # need-data can come just before the clock is handed out
        time.sleep(0.01)
        clock = appsrc.get_clock()
    base = appsrc.get_base_time()
    first = clock.get_time() - base  # running time of the first picture
    period = Gst.SECOND // FPS
    n = 0
    while True:
        pts = first + n * period
        wait = (base + pts - clock.get_time()) / Gst.SECOND
        if wait > 0:
            time.sleep(wait)
        buf = Gst.Buffer.new_wrapped(UNITS[n % len(UNITS)])
        buf.pts = pts
        buf.duration = period
        if appsrc.emit('push-buffer', buf) != Gst.FlowReturn.OK:
            return  # the media was torn down
        n += 1


def configure(factory, media):
    # A camera sends each picture as it has it: no pipeline latency for the server's sinks to wait out.
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


launch = ('( appsrc name=src is-live=true format=time stream-type=stream'
          f' caps=video/x-h264,stream-format=byte-stream,alignment=au,width={W},height={H},framerate={FPS}/1'
          ' ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )')
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(launch)
factory.set_shared(True)
factory.connect('media-configure', configure)
server.get_mount_points().add_factory('/cam', factory)
server.attach(None)
print(f'ready: {len(UNITS)} pictures {W}x{H} {PROFILE} looped at {FPS} fps', flush=True)
GLib.MainLoop().run()
