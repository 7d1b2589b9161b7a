#!/usr/bin/env node
'use strict';
// A WHEP viewer (node-datachannel) that recovers the way the web player does (docs/decisions/0018): when no video
// arrives for 4 s, or the peer connection fails, it drops the session and offers again with a backoff of 1, 2, 4 ...
// 30 s (+-20 % jitter; Retry-After of 409/429/503 as a floor; a refused connection is a failure like a 5xx). For the
// crash-recovery tests: the server is killed and restarted under it, and this prints when the picture came back.
//
//   node resuming-viewer.js http://127.0.0.1:8080/whep/demo seconds
//
// Prints "playing" once the first video packet arrived, then one JSON line per event: {"event":"stalled","at":ms}
// when the stall is noticed (4 s after the last packet), {"event":"resumed","at":ms,"sinceLastPacketMs":...,
// "keyframe":bool,"attempts":n} when video flows again on a new session (keyframe: the first packet starts an IDR
// picture or carries an SPS), and at the end {"event":"end","resumes":n}. "at" is ms since the start (performance.now).

const { Viewer } = require('./viewer');

const url = process.argv[2];
const seconds = Number(process.argv[3] || 120);
const STALL_MS = 4000;
if (!url) {
  console.error('usage: node resuming-viewer.js WHEP_URL seconds');
  process.exit(2);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const emit = (o) => console.log(JSON.stringify(o));

/** Whether an RTP payload (H.264, RFC 6184) starts a keyframe: an IDR slice or an SPS, single, STAP-A or FU-A start. */
function startsKeyframe(buf) {
  const cc = buf[0] & 0x0f;
  let off = 12 + cc * 4;
  if (buf[0] & 0x10) {
    off += 4 + buf.readUInt16BE(off + 2) * 4;
  }
  if (off >= buf.length) {
    return false;
  }
  const type = buf[off] & 0x1f;
  if (type === 5 || type === 7) {
    return true;
  }
  if (type === 24) {
    for (let p = off + 1; p + 2 < buf.length;) {
      const size = buf.readUInt16BE(p);
      const t = buf[p + 2] & 0x1f;
      if (t === 5 || t === 7) {
        return true;
      }
      p += 2 + size;
    }
    return false;
  }
  if (type === 28 && off + 1 < buf.length) {
    return (buf[off + 1] & 0x80) !== 0 && (buf[off + 1] & 0x1f) === 5;
  }
  return false;
}

async function main() {
  const end = performance.now() + seconds * 1000;
  let lastPacketAt = 0;
  let resumes = 0;
  let first = true;
  let viewer = null;
  let backoff = 1000;
  let attempts = 0;
  let firstOfSession = true;
  let keyframe = false;
  let stalledLast = 0; // the last packet before the stall
  while (performance.now() < end) {
    viewer = new Viewer(url, attempts, (buf) => {
      if (firstOfSession) {
        firstOfSession = false;
        keyframe = startsKeyframe(buf);
      }
      lastPacketAt = performance.now();
    });
    firstOfSession = true;
    attempts++;
    let retryFloor = 0;
    try {
      await viewer.open(15000);
    } catch (e) {
      const m = /WHEP (\d+)/.exec(String(e.message));
      if (m && ['409', '429', '503'].includes(m[1])) {
        retryFloor = 1000; // the viewer already waited out Retry-After inside post()
      }
      await viewer.close();
      const wait = Math.max(retryFloor, backoff * (0.8 + 0.4 * Math.random()));
      backoff = Math.min(30000, backoff * 2);
      await sleep(Math.min(wait, Math.max(0, end - performance.now())));
      continue;
    }
    if (first) {
      console.log('playing');
      first = false;
    } else {
      resumes++;
      emit({ event: 'resumed', at: Math.round(performance.now()), sinceLastPacketMs: Math.round(viewer.firstPacketAt - stalledLast),
        keyframe, attempts });
    }
    backoff = 1000;
    attempts = 0;
    // Watch for a stall or a failed connection.
    while (performance.now() < end) {
      await sleep(200);
      if (performance.now() - lastPacketAt > STALL_MS || viewer.pc.state() === 'failed' || viewer.pc.state() === 'closed') {
        stalledLast = lastPacketAt;
        emit({ event: 'stalled', at: Math.round(performance.now()), lastPacketAt: Math.round(lastPacketAt),
          state: viewer.pc.state() });
        break;
      }
    }
    await viewer.close();
  }
  emit({ event: 'end', resumes });
  process.exit(0);
}

main();
