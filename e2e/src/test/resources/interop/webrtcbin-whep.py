"""GStreamer's webrtcbin as an unmodified WHEP viewer, for the e2e test GstWebrtcbinClientE2E.

Offers H.264 (packetization-mode=1, profile-level-id=42e01f) and Opus, receive-only and BUNDLEd, POSTs the offer once
ICE gathering is complete (no STUN server: webrtcbin has none unless told), applies the answer, and decodes what
arrives: rtph264depay ! h264parse ! avdec_h264 for video, rtpopusdepay ! opusdec for audio. Prints one JSON line
and exits 0 when a decoded picture arrived within the limit (and, with --audio, decoded Opus too).

  /usr/bin/python3 webrtcbin-whep.py http://127.0.0.1:8080/whep/demo [limitMs=6000] [--audio]
"""
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstSdp', '1.0')
gi.require_version('GstWebRTC', '1.0')
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

VIDEO_CAPS = ('application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96,'
              'packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-allowed=(string)1')
AUDIO_CAPS = 'application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111,encoding-params=(string)2'


class Viewer:
    def __init__(self, url, limit_ms, want_audio):
        self.url = url
        self.limit_ms = limit_ms
        self.want_audio = want_audio
        self.loop = GLib.MainLoop()
        self.result = {'ok': False, 'client': 'GStreamer webrtcbin ' + Gst.version_string().split()[-1]}
        self.video_frames = 0
        self.audio_buffers = 0
        self.first_frame_at = 0.0
        self.post_at = 0.0
        self.pipe = Gst.Pipeline.new('whep')
        self.webrtc = Gst.ElementFactory.make('webrtcbin', 'webrtc')
        self.webrtc.set_property('bundle-policy', GstWebRTC.WebRTCBundlePolicy.MAX_BUNDLE)
        self.pipe.add(self.webrtc)
        for caps in (VIDEO_CAPS, AUDIO_CAPS):
            self.webrtc.emit('add-transceiver', GstWebRTC.WebRTCRTPTransceiverDirection.RECVONLY,
                             Gst.Caps.from_string(caps))
        self.webrtc.connect('notify::ice-gathering-state', self.on_gathering)
        self.webrtc.connect('pad-added', self.on_pad)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect('message::error', self.on_error)

    def run(self):
        self.pipe.set_state(Gst.State.PLAYING)
        self.started = time.monotonic()
        GLib.idle_add(self.create_offer)
        GLib.timeout_add(50, self.check)
        self.loop.run()
        self.pipe.set_state(Gst.State.NULL)
        return self.result

    def finish(self, error=None):
        if error and 'error' not in self.result:
            self.result['error'] = error
        video_ok = self.video_frames > 0
        audio_ok = not self.want_audio or self.audio_buffers >= 10
        self.result.update({
            'ok': error is None and video_ok and audio_ok,
            'videoFrames': self.video_frames,
            'audioBuffers': self.audio_buffers,
            'firstFrameMs': round((self.first_frame_at - self.post_at) * 1000) if self.first_frame_at else None,
        })
        location = self.result.get('location')
        if location:
            try:
                urllib.request.urlopen(urllib.request.Request(urllib.parse.urljoin(self.url, location),
                                                              method='DELETE'), timeout=5).read()
            except (urllib.error.URLError, OSError):
                pass
        self.loop.quit()

    def check(self):
        if self.video_frames >= 5 and (not self.want_audio or self.audio_buffers >= 10):
            self.finish()
            return False
        deadline = (self.post_at or self.started) + self.limit_ms / 1000.0
        if time.monotonic() > deadline:
            self.finish('no decoded picture%s within %d ms' % (' and audio' if self.want_audio else '', self.limit_ms))
            return False
        return True

    def on_error(self, _bus, message):
        err, debug = message.parse_error()
        self.finish('%s (%s)' % (err.message, debug))

    def create_offer(self):
        # Once the pipeline plays: webrtcbin signals on-negotiation-needed per transceiver, and an offer asked for
        # while it is still starting comes back empty.
        promise = Gst.Promise.new_with_change_func(self.on_offer, self.webrtc, None)
        self.webrtc.emit('create-offer', None, promise)
        return False

    def on_offer(self, promise, element, _data):
        # Keep the reply referenced while its offer is used: PyGObject does not copy the boxed value out of it.
        promise.wait()
        reply = promise.get_reply()
        offer = reply.get_value('offer')
        if offer is None:
            GLib.idle_add(self.finish, 'webrtcbin created no offer')
            return
        element.emit('set-local-description', offer, Gst.Promise.new())

    def on_gathering(self, element, _pspec):
        if element.get_property('ice-gathering-state') == GstWebRTC.WebRTCICEGatheringState.COMPLETE \
                and not self.post_at:
            GLib.idle_add(self.post_offer)

    def post_offer(self):
        sdp = self.webrtc.get_property('local-description').sdp.as_text()
        self.post_at = time.monotonic()
        request = urllib.request.Request(self.url, data=sdp.encode(), method='POST',
                                         headers={'Content-Type': 'application/sdp'})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                answer = response.read().decode()
                self.result['status'] = response.status
                self.result['location'] = response.headers.get('Location')
        except urllib.error.HTTPError as e:
            self.result['status'] = e.code
            self.finish('WHEP POST answered %d: %s' % (e.code, e.read().decode()[:200]))
            return False
        except (urllib.error.URLError, OSError) as e:
            self.finish('WHEP POST failed: %s' % e)
            return False
        self.result['audioAccepted'] = any(line.startswith('m=audio ') and not line.startswith('m=audio 0 ')
                                           for line in answer.splitlines())
        ok, message = GstSdp.SDPMessage.new_from_text(answer)
        if ok != GstSdp.SDPResult.OK:
            self.finish('the answer does not parse as SDP')
            return False
        description = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, message)
        promise = Gst.Promise.new_with_change_func(self.on_answer_applied, None, None)
        self.webrtc.emit('set-remote-description', description, promise)
        return False

    def on_answer_applied(self, promise, _a, _b):
        reply = promise.get_reply()
        if reply is not None and reply.has_field('error'):
            error = reply.get_value('error')
            message = getattr(error, 'message', str(error))
            self.result['answerRejected'] = message
            GLib.idle_add(self.finish, 'webrtcbin refused the answer: ' + message)

    def on_pad(self, _element, pad):
        if pad.direction != Gst.PadDirection.SRC:
            return
        caps = pad.get_current_caps() or pad.query_caps(None)
        media = caps.get_structure(0).get_string('media')
        if media == 'video':
            chain = 'rtph264depay ! h264parse ! avdec_h264 ! fakesink name=vsink signal-handoffs=true sync=false'
        else:
            chain = 'rtpopusdepay ! opusdec ! fakesink name=asink signal-handoffs=true sync=false'
        branch = Gst.parse_bin_from_description(chain, True)
        self.pipe.add(branch)
        branch.sync_state_with_parent()
        pad.link(branch.get_static_pad('sink'))
        sink = branch.get_by_name('vsink' if media == 'video' else 'asink')
        sink.connect('handoff', self.on_video_frame if media == 'video' else self.on_audio)

    def on_video_frame(self, _sink, _buffer, pad):
        self.video_frames += 1
        if self.video_frames == 1:
            self.first_frame_at = time.monotonic()
            structure = pad.get_current_caps().get_structure(0)
            self.result['width'] = structure.get_int('width')[1]
            self.result['height'] = structure.get_int('height')[1]

    def on_audio(self, _sink, _buffer, _pad):
        self.audio_buffers += 1


def main():
    if len(sys.argv) < 2:
        print('usage: webrtcbin-whep.py WHEP_URL [limitMs] [--audio]', file=sys.stderr)
        return 2
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    Gst.init(None)
    result = Viewer(args[0], int(args[1]) if len(args) > 1 else 6000, '--audio' in sys.argv).run()
    print(json.dumps(result), flush=True)
    return 0 if result['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
