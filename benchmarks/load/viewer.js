'use strict';
// One WHEP viewer made with node-datachannel (libdatachannel: its own ICE, DTLS-SRTP and RTP stack, nothing shared
// with Sightline's Java WebRTC code). It counts the decrypted RTP packets of the negotiated video payload type and
// tracks sequence numbers so loss is measured per viewer.

const ndc = require('node-datachannel');

/** Options of every viewer: loopback only, no STUN server, H.264 constrained baseline as browsers offer it. */
const RTC_CONFIG = { iceServers: [], bindAddress: '127.0.0.1', disableAutoNegotiation: false };

class Viewer {
  constructor(url, index, onPacket) {
    this.url = url;
    this.index = index;
    this.onPacket = onPacket; // optional (buffer) => void, for payload checks
    this.packets = 0;
    this.bytes = 0;
    this.highestSeq = -1; // extended sequence number
    this.firstSeq = -1;
    this.firstPacketAt = 0;
    this.postAt = 0;
    // Setup milestones (performance.now()): answer read, ICE connected, DTLS-SRTP done (peer connection
    // 'connected'), first video RTP packet. Taken in node-datachannel's callbacks on this event loop, so a busy
    // client delays them alike.
    this.answerAt = 0;
    this.iceAt = 0;
    this.dtlsAt = 0;
    this.state = 'new';
    this.location = null;
    this.payloadType = -1;
    this.retries = 0;
    // Optional (answerSdp) => answerSdp applied before the answer is set: the soak and churn benchmarks point the
    // client at a relay of theirs (a path they can cut) instead of the server's own candidates.
    this.rewriteAnswer = null;
  }

  /** Opens the session; resolves once the first video RTP packet arrived (or rejects on error/timeout). */
  open(timeoutMs) {
    return new Promise((resolve, reject) => {
      const pc = new ndc.PeerConnection('viewer-' + this.index, RTC_CONFIG);
      this.pc = pc;
      const video = new ndc.Video('0', 'RecvOnly');
      if (Viewer.codec === 'VP8') {
        // A VP8-only offer (Firefox ESR's): an H.264 stream serves it from its shared VP8 rendition.
        video.addVP8Codec(96);
      } else {
        video.addH264Codec(102, 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1');
      }
      const track = pc.addTrack(video);
      this.track = track;
      const rtcp = new ndc.RtcpReceivingSession();
      track.setMediaHandler(rtcp);
      const timer = setTimeout(() => fail(new Error('no media within ' + timeoutMs + ' ms (state ' + this.state + ')')),
        timeoutMs);
      let settled = false;
      const fail = (e) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          this.state = 'failed';
          reject(e);
        }
      };
      track.onMessage((buf) => this.receive(buf, () => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          this.state = 'playing';
          resolve(this);
        }
      }));
      pc.onIceStateChange((s) => {
        if ((s === 'connected' || s === 'completed') && !this.iceAt) {
          this.iceAt = performance.now();
        }
      });
      pc.onStateChange((s) => {
        if (s === 'connected' && !this.dtlsAt) {
          this.dtlsAt = performance.now();
        }
        if (s === 'failed' || s === 'closed') {
          this.state = s;
          fail(new Error('peer connection ' + s));
        }
      });
      let posted = false;
      pc.onGatheringStateChange((s) => {
        if (s === 'complete' && !posted) {
          posted = true;
          this.post(pc.localDescription().sdp).catch(fail);
        }
      });
      pc.setLocalDescription();
    });
  }

  async post(offer) {
    let res;
    let body;
    for (let attempt = 0; ; attempt++) {
      this.postAt = performance.now();
      res = await fetch(this.url, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: offer });
      body = await res.text();
      this.answerAt = performance.now();
      // The server's per-address rate limit (429) or a momentary capacity refusal (503): wait as told, retry.
      if ((res.status !== 429 && res.status !== 503) || attempt >= 10) {
        break;
      }
      this.retries++;
      const wait = Number(res.headers.get('retry-after') || 1) * 1000;
      await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
    }
    if (res.status !== 201) {
      throw new Error('WHEP ' + res.status + ': ' + body.trim().slice(0, 200));
    }
    const loc = res.headers.get('location');
    // After a followed 307 (a cluster node sending the viewer to another) the session lives where the POST ended.
    this.location = loc ? new URL(loc, res.url || this.url).toString() : null;
    const m = new RegExp(`a=rtpmap:(\\d+) ${Viewer.codec}\\/90000`, 'i').exec(body);
    this.payloadType = m ? Number(m[1]) : -1;
    this.answer = body;
    this.pc.setRemoteDescription(this.rewriteAnswer ? this.rewriteAnswer(body) : body, 'answer');
    this.state = 'answered';
  }

  receive(buf, first) {
    if (buf.length < 12 || (buf[0] >> 6) !== 2) {
      return;
    }
    const pt = buf[1] & 0x7f;
    if (pt !== this.payloadType) {
      return; // RTX or anything else: not counted as media
    }
    const now = performance.now();
    if (this.packets === 0) {
      this.firstPacketAt = now;
    }
    this.packets++;
    this.bytes += buf.length;
    const seq = buf.readUInt16BE(2);
    if (this.highestSeq < 0) {
      this.firstSeq = seq;
      this.highestSeq = seq;
    } else {
      // extend: the packet is newer when it is less than half the space ahead
      const delta = ((seq - (this.highestSeq & 0xffff) + 0x10000) & 0xffff);
      if (delta !== 0 && delta < 0x8000) {
        this.highestSeq += delta;
      }
    }
    if (this.onPacket) {
      this.onPacket(buf);
    }
    first();
  }

  /** A counter snapshot for windowed bitrate and loss. */
  snapshot() {
    return { packets: this.packets, bytes: this.bytes, highest: this.highestSeq, at: performance.now() };
  }

  setupMs() {
    return this.firstPacketAt > 0 ? this.firstPacketAt - this.postAt : NaN;
  }

  /**
   * The setup split, each in ms since the WHEP POST: answer read, ICE connected, DTLS done, first video packet.
   * A milestone the client never saw (or saw out of order through callback delivery) is NaN.
   */
  setupSplit() {
    const since = (t) => (t > 0 ? t - this.postAt : NaN);
    return { answer: since(this.answerAt), ice: since(this.iceAt), dtls: since(this.dtlsAt),
      first: since(this.firstPacketAt) };
  }

  async close() {
    try {
      if (this.location) {
        await fetch(this.location, { method: 'DELETE' });
      }
    } catch (e) {
      // the server may already be gone
    }
    try {
      this.pc.close();
    } catch (e) {
      // already closed
    }
  }
}

/** The video codec viewers offer: H264 (default) or VP8 (load.js --codec). */
Viewer.codec = 'H264';

module.exports = { Viewer, ndc };
