"""GStreamer's webrtcbin as an unmodified WHIP publisher, for the e2e test GstWebrtcbinPublisherE2E.

Sends a live test picture (videotestsrc 640x360@30, x264enc tune=zerolatency, H.264 constrained baseline,
packetization-mode 1) and a tone (audiotestsrc, opusenc), send-only and BUNDLEd; POSTs the offer with a bearer token
once ICE gathering is complete, applies the answer and keeps publishing until it is killed (SIGTERM/SIGINT: DELETE
first; SIGKILL: nothing, as a crashed publisher). Prints one JSON line when connected (or failed).

  /usr/bin/python3 webrtcbin-whip.py http://127.0.0.1:8080/whip/cam TOKEN
"""
import json
import signal
import sys
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstSdp', '1.0')
gi.require_version('GstWebRTC', '1.0')
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

PIPELINE = (
    'webrtcbin name=webrtc bundle-policy=max-bundle '
    'videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=30/1 ! videoconvert '
    '! x264enc tune=zerolatency speed-preset=ultrafast bitrate=1000 key-int-max=60 '
    '! video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=-1 aggregate-mode=zero-latency '
    '! application/x-rtp,media=video,encoding-name=H264,payload=96 ! webrtc. '
    'audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! opusenc ! rtpopuspay '
    '! application/x-rtp,media=audio,encoding-name=OPUS,payload=111 ! webrtc. ')


class Publisher:
    def __init__(self, url, token):
        self.url = url
        self.token = token
        self.loop = GLib.MainLoop()
        self.location = None
        self.posted = False
        self.pipe = Gst.parse_launch(PIPELINE)
        self.webrtc = self.pipe.get_by_name('webrtc')
        for transceiver in (self.webrtc.emit('get-transceiver', i) for i in range(2)):
            if transceiver is not None:
                transceiver.set_property('direction', GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
        self.webrtc.connect('on-negotiation-needed', self.on_negotiation_needed)
        self.webrtc.connect('notify::ice-gathering-state', self.on_gathering)
        self.webrtc.connect('notify::connection-state', self.on_connection)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect('message::error', self.on_error)

    def run(self):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, self.stop)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, self.stop)
        self.pipe.set_state(Gst.State.PLAYING)
        self.loop.run()
        self.pipe.set_state(Gst.State.NULL)

    def report(self, **fields):
        print(json.dumps(fields), flush=True)

    def stop(self):
        if self.location:
            try:
                request = urllib.request.Request(urllib.parse.urljoin(self.url, self.location), method='DELETE',
                                                 headers={'Authorization': 'Bearer ' + self.token})
                urllib.request.urlopen(request, timeout=5).read()
            except (urllib.error.URLError, OSError):
                pass
        self.loop.quit()
        return False

    def fail(self, error):
        self.report(ok=False, error=error)
        self.loop.quit()
        return False

    def on_error(self, _bus, message):
        err, debug = message.parse_error()
        self.fail('%s (%s)' % (err.message, debug))

    def on_negotiation_needed(self, element):
        if getattr(self, 'offered', False):
            return
        self.offered = True
        promise = Gst.Promise.new_with_change_func(self.on_offer, element, None)
        element.emit('create-offer', None, promise)

    def on_offer(self, promise, element, _data):
        promise.wait()
        reply = promise.get_reply()
        offer = reply.get_value('offer')
        if offer is None:
            GLib.idle_add(self.fail, 'webrtcbin created no offer')
            return
        element.emit('set-local-description', offer, Gst.Promise.new())

    def on_gathering(self, element, _pspec):
        if element.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE \
                and not self.posted:
            self.posted = True
            GLib.idle_add(self.post_offer)

    def on_connection(self, element, _pspec):
        state = element.get_property('connection-state')
        if state == GstWebRTC.WebRTCPeerConnectionState.CONNECTED:
            self.report(ok=True, state='connected', location=self.location,
                        client='GStreamer webrtcbin ' + Gst.version_string().split()[-1])
        elif state == GstWebRTC.WebRTCPeerConnectionState.FAILED:
            GLib.idle_add(self.fail, 'connection failed')

    def post_offer(self):
        sdp = self.webrtc.get_property('local-description').sdp.as_text()
        request = urllib.request.Request(self.url, data=sdp.encode(), method='POST', headers={
            'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + self.token})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                answer = response.read().decode()
                self.location = response.headers.get('Location')
        except urllib.error.HTTPError as e:
            return self.fail('WHIP POST answered %d: %s' % (e.code, e.read().decode()[:200]))
        except (urllib.error.URLError, OSError) as e:
            return self.fail('WHIP POST failed: %s' % e)
        ok, message = GstSdp.SDPMessage.new_from_text(answer)
        if ok != GstSdp.SDPResult.OK:
            return self.fail('the answer does not parse as SDP')
        description = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, message)
        self.webrtc.emit('set-remote-description', description, Gst.Promise.new())
        return False


def main():
    if len(sys.argv) < 3:
        print('usage: webrtcbin-whip.py WHIP_URL TOKEN', file=sys.stderr)
        return 2
    Gst.init(None)
    Publisher(sys.argv[1], sys.argv[2]).run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
