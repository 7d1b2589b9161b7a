# A real RTSP camera for the benchmark: GStreamer's gst-rtsp-server (Debian python3-gi, gir1.2-gst-rtsp-server-1.0,
# gstreamer1.0-plugins-ugly for x264enc) serving rtsp://127.0.0.1:PORT/cam from a live 1280x720 30 fps x264 encode,
# constrained baseline, no B-frames, CBR KBPS kbit/s, a keyframe every 60 frames (2 s GOP).
# Shared media: clients joining a running pipeline start mid-GOP, as with an IP camera.
# Usage: /usr/bin/python3 rtsp_server.py PORT [KBPS]
import sys, gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtspServer, GLib

Gst.init(None)
port = sys.argv[1]
kbps = sys.argv[2] if len(sys.argv) > 2 else '2000'
launch = ('( videotestsrc is-live=true pattern=smpte horizontal-speed=4'
          ' ! video/x-raw,width=1280,height=720,framerate=30/1'
          ' ! timeoverlay font-desc="Sans 48"'
          ' ! x264enc tune=zerolatency speed-preset=ultrafast bitrate=' + kbps + ' key-int-max=60 bframes=0'
          ' ! video/x-h264,profile=constrained-baseline ! rtph264pay name=pay0 pt=96 config-interval=-1 )')
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(launch)
factory.set_shared(True)
server.get_mount_points().add_factory('/cam', factory)
server.attach(None)
print('ready', flush=True)
GLib.MainLoop().run()
