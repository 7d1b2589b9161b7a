#!/usr/bin/env node
'use strict';
// N WHEP viewers (node-datachannel) of one stream that stay on their sessions until told to leave: for end-to-end
// tests that change the server side under them (ClusterEdgeE2E kills the stream's origin node). Prints "playing N"
// once every viewer had its first video packet, then every 250 ms one line "packets p1 p2 ... pN" with each viewer's
// video packet count so far (a viewer whose count grows again after a gap resumed on its session). A line "leave" on
// stdin DELETEs every session (with the token, which the server checks for DELETE too) and exits.
//
//   node crowd.js http://127.0.0.1:8080/whep/door 20 [token]

const readline = require('readline');
const { Viewer } = require('./viewer');

const url = process.argv[2];
const count = Number(process.argv[3] || 20);
const token = process.argv[4] || '';
if (!url) {
  console.error('usage: node crowd.js WHEP_URL viewers [token]');
  process.exit(2);
}
const withToken = (u) => (token ? u + (u.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : u);

async function main() {
  const viewers = [];
  for (let i = 0; i < count; i++) {
    viewers.push(new Viewer(withToken(url), i));
  }
  try {
    // A few at a time: the server limits requests per address per second (a burst of 30 by default).
    for (let i = 0; i < viewers.length; i += 5) {
      await Promise.all(viewers.slice(i, i + 5).map((v) => v.open(30000)));
    }
  } catch (e) {
    console.log('failed ' + String(e.message || e));
    process.exit(1);
  }
  console.log('playing ' + viewers.length);
  const timer = setInterval(() => console.log('packets ' + viewers.map((v) => v.packets).join(' ')), 250);
  readline.createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line.trim() !== 'leave') {
      return;
    }
    clearInterval(timer);
    for (const v of viewers) {
      if (v.location) {
        v.location = withToken(v.location);
      }
    }
    await Promise.all(viewers.map((v) => v.close()));
    console.log('left');
    process.exit(0);
  });
}

main();
