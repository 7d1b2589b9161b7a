#!/usr/bin/env node
'use strict';
// One WHEP viewer (node-datachannel) that plays a stream for a fixed time and reports whether its session stayed up:
// for the end-to-end test ReconfigurationE2E, which rewrites the server's configuration files while this viewer
// plays. Prints "playing" once the first packet arrived, then one JSON line at the end: packets, sequence loss, the
// longest gap between two packets after the first, the peer connection's state before the final DELETE and that
// DELETE's status (200/204 = the server still had the session). "lost" is the sequence span minus the packets
// counted: retransmitted duplicates can make it negative.
//
//   node steady-viewer.js http://127.0.0.1:8080/whep/demo seconds

const { Viewer } = require('./viewer');

const url = process.argv[2];
const seconds = Number(process.argv[3] || 60);
if (!url) {
  console.error('usage: node steady-viewer.js WHEP_URL seconds');
  process.exit(2);
}

async function main() {
  let last = 0;
  let maxGapMs = 0;
  const viewer = new Viewer(url, 0, () => {
    const now = performance.now();
    if (last > 0) {
      maxGapMs = Math.max(maxGapMs, now - last);
    }
    last = now;
  });
  try {
    await viewer.open(10000);
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: String(e.message || e) }));
    process.exit(1);
  }
  console.log('playing');
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const sinceLastMs = performance.now() - last;
  const expected = viewer.highestSeq - viewer.firstSeq + 1;
  const state = viewer.state; // before the DELETE, which closes the peer connection
  let deleteStatus = -1;
  try {
    const res = await fetch(viewer.location, { method: 'DELETE' });
    deleteStatus = res.status;
  } catch (e) {
    deleteStatus = -2;
  }
  viewer.location = null; // already deleted
  await viewer.close();
  console.log(JSON.stringify({ ok: true, packets: viewer.packets, lost: expected - viewer.packets, maxGapMs: Math.round(maxGapMs),
    sinceLastMs: Math.round(sinceLastMs), state, deleteStatus }));
  process.exit(0);
}

main();
