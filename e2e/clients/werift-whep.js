#!/usr/bin/env node
'use strict';
// npm werift as an unmodified WHEP viewer, for the e2e test WeriftClientE2E: offers H.264 (as werift's useH264():
// profile-level-id=42e01f) and Opus, receive-only, POSTs the offer, applies the answer, decrypts the SRTP and
// depacketizes H.264 until a whole keyframe arrived; counts Opus packets. Prints one JSON line; exit 0 when a
// keyframe arrived within the limit (and, with --audio, Opus packets too).
//
//   node werift-whep.js http://127.0.0.1:8080/whep/demo [limitMs=4000] [--audio] [--package=werift-0.22]
//
// --package picks the installed werift release (package.json installs the newest as `werift` and 0.22, the last
// one that negotiates codecs in rejected sections too, as `werift-0.22`).

const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name) => (process.argv.find((a) => a.startsWith('--' + name + '=')) || '').split('=')[1];
const url = args[0];
const limitMs = Number(args[1] || 4000);
const wantAudio = process.argv.includes('--audio');
const pkg = option('package') || 'werift';
const { RTCPeerConnection, RTCRtpCodecParameters } = require(pkg);
const { H264Depacketizer } = require('./h264-depacketizer');
const version = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', pkg, 'package.json'))).version;
if (!url) {
  console.error('usage: node werift-whep.js WHEP_URL [limitMs] [--audio]');
  process.exit(2);
}

async function main() {
  const result = { ok: false, client: 'werift ' + version };
  // Every packet stays on this machine: werift falls back to a public STUN server when given none (even with
  // iceServers: []), so it gets one on loopback where nothing listens (the discard port), and IPv4 only.
  const pc = new RTCPeerConnection({
    iceServers: [{ urls: 'stun:127.0.0.1:9' }],
    iceStunGatherTimeout: 200,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    codecs: { video: [h264()], audio: [opus()] },
  });
  const depacketizer = new H264Depacketizer();
  let videoPackets = 0;
  let audioPackets = 0;
  let firstAudioAt = 0;
  pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      if (track.kind === 'video') {
        videoPackets++;
        depacketizer.push(rtp.header.sequenceNumber, rtp.header.marker, rtp.payload);
      } else if (track.kind === 'audio' && rtp.payload.length > 0) {
        audioPackets++;
        firstAudioAt = firstAudioAt || performance.now();
      }
    });
  });
  let postAt = 0;
  try {
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 2000);
    postAt = performance.now();
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp' },
      body: pc.localDescription.sdp,
      signal: AbortSignal.timeout(5000),
    });
    const answer = await response.text();
    result.status = response.status;
    if (response.status !== 201) {
      throw new Error('WHEP POST answered ' + response.status + ': ' + answer.slice(0, 200));
    }
    result.location = response.headers.get('location');
    const video = /m=video (\d+) [^ ]+ (\d+)/.exec(answer);
    const audio = /m=audio (\d+) [^ ]+ (\d+)/.exec(answer);
    result.payloadType = video ? Number(video[2]) : null;
    const fmtp = video && new RegExp('a=fmtp:' + video[2] + ' (.*)').exec(answer);
    result.answerFmtp = fmtp ? fmtp[1].trim() : null;
    result.audioAccepted = !!audio && audio[1] !== '0';
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (e) {
      result.answerRejected = e.message;
      throw e;
    }
    const deadline = postAt + limitMs;
    while (performance.now() < deadline && !(depacketizer.keyframeAt && (!wantAudio || audioPackets >= 10))) {
      await sleep(10);
    }
    Object.assign(result, depacketizer.summary(), {
      keyframeMs: depacketizer.keyframeAt ? Math.round(depacketizer.keyframeAt - postAt) : null,
      firstAudioMs: firstAudioAt ? Math.round(firstAudioAt - postAt) : null,
      videoPackets,
      audioPackets,
    });
    result.ok = depacketizer.keyframeAt > 0 && depacketizer.errors.length === 0 && (!wantAudio || audioPackets >= 10);
    if (result.location) {
      await fetch(new URL(result.location, url), { method: 'DELETE' }).catch(() => {});
    }
  } catch (e) {
    result.error = e.message;
  }
  await pc.close().catch(() => {});
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

// What werift's useH264() and useOPUS() give (0.22 has no useH264).
function h264() {
  return new RTCRtpCodecParameters({
    mimeType: 'video/H264',
    clockRate: 90000,
    rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }],
    parameters: 'profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
  });
}

function opus() {
  return new RTCRtpCodecParameters({ mimeType: 'audio/OPUS', clockRate: 48000, channels: 2 });
}

function gathered(pc, timeoutMs) {
  if (pc.iceGatheringState === 'complete') {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

main();
