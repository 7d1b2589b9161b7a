#!/usr/bin/env node
'use strict';
// An independent WHEP client (node-datachannel: its own ICE, DTLS-SRTP and RTP stack) for the end-to-end test
// IndependentClientE2E: POSTs an offer, receives and decrypts the H.264 RTP, depacketizes it (RFC 6184 single NAL,
// STAP-A, FU-A) and waits for a complete keyframe (SPS + PPS + IDR). Prints one JSON line; exit code 0 when a
// keyframe arrived within the time limit.
//
//   node check-h264.js http://127.0.0.1:8080/whep/demo [limitMs=2000]

const { Viewer, ndc } = require('./viewer');

const url = process.argv[2];
const limitMs = Number(process.argv[3] || 2000);
if (!url) {
  console.error('usage: node check-h264.js WHEP_URL [limitMs]');
  process.exit(2);
}

/** RFC 6184 depacketizer state: which NAL unit types were seen complete, and FU-A reassembly. */
const seen = { nalTypes: new Set(), stapA: 0, fuA: 0, single: 0, idrBytes: 0, errors: [], sps: null };
let fu = null; // { type, bytes, nextSeq }
let keyframeAt = 0;

function nal(type, bytes) {
  seen.nalTypes.add(type);
  if (type === 7 && !seen.sps) {
    seen.sps = Buffer.from(bytes.subarray(0, 4)).toString('hex'); // NAL header + profile, constraints, level
  }
  if (type === 5) {
    seen.idrBytes += bytes.length;
  }
}

function depacketize(packet) {
  const cc = packet[0] & 0x0f;
  let off = 12 + 4 * cc;
  if (packet[0] & 0x10) {
    off += 4 + 4 * packet.readUInt16BE(off + 2);
  }
  let end = packet.length;
  if (packet[0] & 0x20) {
    end -= packet[end - 1];
  }
  const p = packet.subarray(off, end);
  const seq = packet.readUInt16BE(2);
  const type = p[0] & 0x1f;
  if (type >= 1 && type <= 23) {
    seen.single++;
    nal(type, p);
  } else if (type === 24) {
    seen.stapA++;
    for (let i = 1; i + 2 <= p.length;) {
      const size = p.readUInt16BE(i);
      if (size === 0 || i + 2 + size > p.length) {
        seen.errors.push('bad STAP-A size at seq ' + seq);
        break;
      }
      nal(p[i + 2] & 0x1f, p.subarray(i + 2, i + 2 + size));
      i += 2 + size;
    }
  } else if (type === 28) {
    seen.fuA++;
    const start = (p[1] & 0x80) !== 0;
    const last = (p[1] & 0x40) !== 0;
    if (start) {
      fu = { type: p[1] & 0x1f, header: (p[0] & 0xe0) | (p[1] & 0x1f), parts: [p.subarray(2)], nextSeq: (seq + 1) & 0xffff };
    } else if (fu && seq === fu.nextSeq) {
      fu.parts.push(p.subarray(2));
      fu.nextSeq = (seq + 1) & 0xffff;
    } else {
      fu = null; // a gap: the fragmented NAL unit is incomplete
    }
    if (fu && last) {
      nal(fu.type, Buffer.concat([Buffer.from([fu.header]), ...fu.parts]));
      fu = null;
    }
  } else {
    seen.errors.push('unexpected NAL type ' + type + ' at seq ' + seq);
  }
  if (!keyframeAt && seen.nalTypes.has(5) && seen.nalTypes.has(7) && seen.nalTypes.has(8) && (packet[1] & 0x80)) {
    keyframeAt = performance.now();
  }
}

async function main() {
  ndc.initLogger('Error', () => {});
  const viewer = new Viewer(url, 0, depacketize);
  const result = { ok: false };
  try {
    await viewer.open(limitMs + 3000);
    const deadline = viewer.postAt + limitMs;
    while (!keyframeAt && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const fmtp = new RegExp('a=fmtp:' + viewer.payloadType + ' (.*)').exec(viewer.answer);
    Object.assign(result, {
      ok: keyframeAt > 0 && keyframeAt - viewer.postAt <= limitMs && seen.errors.length === 0,
      payloadType: viewer.payloadType,
      answerFmtp: fmtp ? fmtp[1].trim() : null,
      setupMs: Math.round(viewer.setupMs()),
      keyframeMs: keyframeAt ? Math.round(keyframeAt - viewer.postAt) : null,
      packets: viewer.packets,
      nalTypes: [...seen.nalTypes].sort((a, b) => a - b),
      stapA: seen.stapA,
      fuA: seen.fuA,
      singleNal: seen.single,
      idrBytes: seen.idrBytes,
      sps: seen.sps,
      errors: seen.errors.slice(0, 5),
    });
  } catch (e) {
    result.error = e.message;
  }
  await viewer.close();
  console.log(JSON.stringify(result));
  ndc.cleanup();
  process.exit(result.ok ? 0 : 1);
}

main();
